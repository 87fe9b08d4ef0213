package main

import (
	"fmt"
	"net/http"

	"k8s.io/apiserver/pkg/authentication/authenticator"
	"k8s.io/apiserver/pkg/authentication/group"
	"k8s.io/apiserver/pkg/authentication/request/anonymous"
	"k8s.io/apiserver/pkg/authentication/user"
)

// identityJSON mirrors Identity in src/request/types.ts: who sends a request,
// before kube-apiserver's authenticators have had their say.
type identityJSON struct {
	Kind   string    `json:"kind"`
	Name   string    `json:"name"`
	Groups []string  `json:"groups"`
	Caller *userJSON `json:"caller"`
	As     *userJSON `json:"as"`
}

// fixedAuthenticator stands for whichever credential authenticator (x509,
// token) maps the caller to exactly this name and these groups.
func fixedAuthenticator(name string, groups []string) authenticator.Request {
	return authenticator.RequestFunc(func(*http.Request) (*authenticator.Response, bool, error) {
		return &authenticator.Response{User: &user.DefaultInfo{Name: name, Groups: groups}}, true, nil
	})
}

// policyUserFor is the user the audit policy sees for an identity, produced by
// upstream's own authenticators: credential authenticators are wrapped in
// group.AuthenticatedGroupAdder (as kube-apiserver's authenticator config
// does), the anonymous one is not, and failed authentication leaves no user
// (WithFailedAuthenticationAudit). Impersonation happens after the audit
// filter, so the policy sees the caller.
func policyUserFor(id *identityJSON, req *http.Request) (user.Info, error) {
	var auth authenticator.Request
	switch id.Kind {
	case "user":
		auth = group.NewAuthenticatedGroupAdder(fixedAuthenticator(id.Name, id.Groups))
	case "impersonating":
		if id.Caller == nil {
			return nil, fmt.Errorf("impersonating identity without caller")
		}
		auth = group.NewAuthenticatedGroupAdder(fixedAuthenticator(id.Caller.Name, id.Caller.Groups))
	case "anonymous":
		auth = anonymous.NewAuthenticator(nil)
	case "failed-authentication":
		return nil, nil
	default:
		return nil, fmt.Errorf("unknown identity kind %q", id.Kind)
	}
	resp, ok, err := auth.AuthenticateRequest(req)
	if err != nil || !ok {
		return nil, fmt.Errorf("authenticator refused identity %q: %v", id.Kind, err)
	}
	return resp.User, nil
}
