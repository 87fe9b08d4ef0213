package main

import (
	"bufio"
	"errors"
	"net/http"
	"strings"

	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apiserver/pkg/audit"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/apiserver/pkg/endpoints/filters"
	"k8s.io/apiserver/pkg/endpoints/request"
)

// requestInfoResolver is configured as kube-apiserver configures its own
// (server.NewRequestInfoResolver with LegacyAPIGroupPrefixes {"/api"}): both
// prefixes are API prefixes, and "api" is the one without groups.
var requestInfoResolver = &request.RequestInfoFactory{
	APIPrefixes:          sets.NewString("api", "apis"),
	GrouplessAPIPrefixes: sets.NewString("api"),
}

type httpRequestJSON struct {
	Method string `json:"method"`
	// URL is the request target as sent on the request line: path plus optional query.
	URL string `json:"url"`
	// User is who authentication produced; null when authentication failed.
	User *userJSON `json:"user"`
	// Identity, when given, replaces User: upstream's authenticators turn it
	// into the user the policy sees.
	Identity *identityJSON `json:"identity"`
}

type requestInfoJSON struct {
	IsResourceRequest bool     `json:"isResourceRequest"`
	Path              string   `json:"path"`
	Verb              string   `json:"verb"`
	APIPrefix         string   `json:"apiPrefix"`
	APIGroup          string   `json:"apiGroup"`
	APIVersion        string   `json:"apiVersion"`
	Namespace         string   `json:"namespace"`
	Resource          string   `json:"resource"`
	Subresource       string   `json:"subresource"`
	Name              string   `json:"name"`
	Parts             []string `json:"parts"`
	FieldSelector     string   `json:"fieldSelector"`
	LabelSelector     string   `json:"labelSelector"`
}

type resolvedJSON struct {
	// URLError: Go's HTTP server would reject the request line (400) before any filter runs.
	URLError string `json:"urlError,omitempty"`
	// Error: NewRequestInfo failed; WithRequestInfo answers 500 and nothing is audited.
	Error string           `json:"error,omitempty"`
	Info  *requestInfoJSON `json:"info"`
	// Attributes is what GetAuthorizerAttributes hands the audit policy.
	Attributes *attributesJSON `json:"attributes"`
	// RequestDeadline is what WithRequestDeadline, which runs before
	// authentication, did with the request; absent when RequestInfo failed.
	RequestDeadline *requestDeadlineJSON `json:"requestDeadline,omitempty"`
	Decision        *decisionJSON        `json:"decision,omitempty"`
}

type resolved struct {
	resolvedJSON
	record attributesRecordPtr
}

// readRequestLine parses "METHOD target HTTP/1.1" with http.ReadRequest, the
// parser Go's HTTP server runs on every request (method token check, request
// line split, url.ParseRequestURI), so a target it refuses is refused here too.
func readRequestLine(method, target string) (*http.Request, error) {
	if strings.ContainsAny(method+target, "\r\n") {
		return nil, errors.New("a request line cannot contain CR or LF")
	}
	raw := method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n"
	req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
	if err != nil {
		return nil, err
	}
	// serverHandler.ServeHTTP answers "OPTIONS *" itself; no handler runs.
	if req.RequestURI == "*" && req.Method == "OPTIONS" {
		return nil, errors.New("OPTIONS * is answered by Go's HTTP server itself")
	}
	return req, nil
}

func resolveRequest(in *httpRequestJSON) resolved {
	var out resolved
	req, err := readRequestLine(in.Method, in.URL)
	if err != nil {
		out.URLError = err.Error()
		return out
	}
	info, err := requestInfoResolver.NewRequestInfo(req)
	if info != nil {
		parts := info.Parts
		if parts == nil {
			parts = []string{}
		}
		out.Info = &requestInfoJSON{
			IsResourceRequest: info.IsResourceRequest,
			Path:              info.Path,
			Verb:              info.Verb,
			APIPrefix:         info.APIPrefix,
			APIGroup:          info.APIGroup,
			APIVersion:        info.APIVersion,
			Namespace:         info.Namespace,
			Resource:          info.Resource,
			Subresource:       info.Subresource,
			Name:              info.Name,
			Parts:             parts,
			FieldSelector:     info.FieldSelector,
			LabelSelector:     info.LabelSelector,
		}
	}
	if err != nil {
		out.Error = err.Error()
		return out
	}
	// WithAuditInit and WithRequestInfo have run; WithRequestDeadline comes
	// next, before authentication: a request it rejects is audited with no user.
	ctx := request.WithRequestInfo(audit.WithAuditContext(request.NewContext()), info)
	deadline, passed, rejected, err := runRequestDeadline(req.WithContext(ctx), info)
	if err != nil {
		out.Error = "oracle: " + err.Error()
		return out
	}
	out.RequestDeadline = &deadline
	if rejected != nil {
		out.record = rejected
		converted := attributesFromRecord(rejected)
		out.Attributes = &converted
		return out
	}
	req = passed
	ctx = req.Context()
	if in.Identity != nil {
		seen, err := policyUserFor(in.Identity, req)
		if err != nil {
			out.Error = "oracle: " + err.Error()
			return out
		}
		if seen != nil {
			ctx = request.WithUser(ctx, seen)
		}
	} else if in.User != nil {
		ctx = request.WithUser(ctx, &user.DefaultInfo{Name: in.User.Name, Groups: in.User.Groups})
	}
	attrs, err := filters.GetAuthorizerAttributes(ctx)
	if err != nil {
		out.Error = err.Error()
		return out
	}
	record := attrs.(attributesRecordPtr)
	out.record = record
	converted := attributesFromRecord(record)
	out.Attributes = &converted
	return out
}
