package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/util/sets"
	auditinternal "k8s.io/apiserver/pkg/apis/audit"
	"k8s.io/apiserver/pkg/audit"
	"k8s.io/apiserver/pkg/authorization/authorizer"
	"k8s.io/apiserver/pkg/endpoints/filters"
	"k8s.io/apiserver/pkg/endpoints/request"
	genericfilters "k8s.io/apiserver/pkg/server/filters"
)

// longRunningCheck is kube-apiserver's LongRunningFunc, built as
// k8s.io/kubernetes pkg/controlplane/apiserver/config.go (BuildGenericConfig)
// builds it; only its two set literals are repeated here.
var longRunningCheck = genericfilters.BasicLongRunningRequestCheck(
	sets.NewString("watch", "proxy"),
	sets.NewString("attach", "exec", "proxy", "log", "portforward"),
)

// statusSerializer renders the filter's 400 Status; its bytes are never read.
var statusSerializer = func() runtime.NegotiatedSerializer {
	scheme := runtime.NewScheme()
	metav1.AddToGroupVersion(scheme, schema.GroupVersion{Version: "v1"})
	return serializer.NewCodecFactory(scheme).WithoutConversion()
}()

// requestDeadlineJSON reports what upstream's WithRequestDeadline did with a
// request whose RequestInfo resolved.
type requestDeadlineJSON struct {
	// Outcome: "long-running" (passed through untouched), "passed" (timeout
	// absent or a valid duration: the chain goes on to authentication), or
	// "rejected" (answered before authentication and audited without a user).
	Outcome string `json:"outcome"`
	// Status is the HTTP status the filter answered with; only when rejected.
	Status int `json:"status,omitempty"`
	// AuditStages are the stages the failed-request audit wrote for a policy
	// that audits everything at Metadata; only when rejected.
	AuditStages []string `json:"auditStages,omitempty"`
}

// capturingPolicy stands in for the audit policy: it remembers the attributes
// the filter evaluated it on and audits at Metadata, so every stage the filter
// writes reaches the sink.
type capturingPolicy struct {
	seen []authorizer.Attributes
}

func (p *capturingPolicy) EvaluatePolicyRule(attrs authorizer.Attributes) audit.RequestAuditConfig {
	p.seen = append(p.seen, attrs)
	return audit.RequestAuditConfig{Level: auditinternal.LevelMetadata}
}

// capturingSink keeps the stage and user of every event the filter writes.
type capturingSink struct {
	mu     sync.Mutex
	stages []string
	users  []string
}

func (s *capturingSink) ProcessEvents(events ...*auditinternal.Event) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range events {
		s.stages = append(s.stages, string(e.Stage))
		s.users = append(s.users, e.User.Username)
	}
	return true
}

// runRequestDeadline sends req, whose context already holds its RequestInfo
// (as WithRequestInfo leaves it) and an audit context (WithAuditInit), through
// upstream's WithRequestDeadline. When the filter hands the request on, the
// returned request is what the rest of the chain (authentication first) gets;
// when it answers itself, rejected holds the attributes its failed-request
// audit evaluated the policy on.
func runRequestDeadline(req *http.Request, info *request.RequestInfo) (requestDeadlineJSON, *http.Request, attributesRecordPtr, error) {
	policy := &capturingPolicy{}
	sink := &capturingSink{}
	var passed *http.Request
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { passed = r })
	handler := filters.WithRequestDeadline(next, sink, policy, longRunningCheck, statusSerializer, time.Minute)
	recorder := httptest.NewRecorder()
	handler.ServeHTTP(recorder, req)

	switch {
	case passed != nil && len(policy.seen) == 0:
		outcome := "passed"
		if longRunningCheck(req, info) {
			outcome = "long-running"
		}
		return requestDeadlineJSON{Outcome: outcome}, passed, nil, nil
	case passed == nil && len(policy.seen) == 1:
		record, ok := policy.seen[0].(attributesRecordPtr)
		if !ok {
			return requestDeadlineJSON{}, nil, nil, fmt.Errorf("WithRequestDeadline evaluated the policy on %T", policy.seen[0])
		}
		if record.User != nil {
			return requestDeadlineJSON{}, nil, nil, fmt.Errorf("WithRequestDeadline audited a rejected request with user %q", record.User.GetName())
		}
		return requestDeadlineJSON{Outcome: "rejected", Status: recorder.Code, AuditStages: sink.stages}, nil, record, nil
	default:
		return requestDeadlineJSON{}, nil, nil, fmt.Errorf(
			"WithRequestDeadline neither passed the request on nor audited it alone (next reached: %t, policy evaluations: %d)",
			passed != nil, len(policy.seen))
	}
}
