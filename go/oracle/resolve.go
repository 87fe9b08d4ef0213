package main

import (
	"net/http"
	"net/url"

	"k8s.io/apimachinery/pkg/util/sets"
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
	Decision   *decisionJSON   `json:"decision,omitempty"`
}

type resolved struct {
	resolvedJSON
	record attributesRecordPtr
}

func resolveRequest(in *httpRequestJSON) resolved {
	var out resolved
	// net/http's server parses the request target exactly this way.
	target, err := url.ParseRequestURI(in.URL)
	if err != nil {
		out.URLError = err.Error()
		return out
	}
	req := &http.Request{Method: in.Method, URL: target, RequestURI: in.URL, Header: http.Header{}}
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
	ctx := request.WithRequestInfo(request.NewContext(), info)
	if in.User != nil {
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
