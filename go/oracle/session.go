package main

import (
	"encoding/json"
	"fmt"
	"time"
)

// message is every field any operation reads; each operation uses its own subset.
type message struct {
	// ID is echoed back untouched so clients may match answers to questions.
	ID json.RawMessage `json:"id,omitempty"`
	Op string          `json:"op"`
	// Policy is policy file text (YAML or JSON), loaded as kube-apiserver loads it.
	Policy *string `json:"policy,omitempty"`
	// Keep names the policy a successful load stores for later eval/bench.
	Keep string `json:"keep,omitempty"`
	// PolicyRef names a policy stored earlier with load+keep.
	PolicyRef string `json:"policyRef,omitempty"`
	// Requests: attributes for eval and bench, HTTP requests for resolve.
	Requests   json.RawMessage `json:"requests,omitempty"`
	Iterations int             `json:"iterations,omitempty"`
	// HTTP and Attributes are the two request lists of a "case".
	HTTP       json.RawMessage `json:"http,omitempty"`
	Attributes json.RawMessage `json:"attributes,omitempty"`
}

type session struct {
	kept map[string]*loadedPolicy
}

func newSession() *session {
	return &session{kept: map[string]*loadedPolicy{}}
}

func (s *session) handle(line []byte) map[string]any {
	var msg message
	if err := json.Unmarshal(line, &msg); err != nil {
		return map[string]any{"ok": false, "error": "oracle: bad input line: " + err.Error()}
	}
	answer, err := s.dispatch(&msg)
	if err != nil {
		answer = map[string]any{"ok": false, "error": "oracle: " + err.Error()}
	}
	if len(msg.ID) > 0 {
		answer["id"] = msg.ID
	}
	answer["op"] = msg.Op
	return answer
}

func (s *session) dispatch(msg *message) (map[string]any, error) {
	switch msg.Op {
	case "load":
		return s.load(msg)
	case "eval":
		return s.eval(msg)
	case "resolve":
		return s.resolve(msg)
	case "bench":
		return s.bench(msg)
	case "case":
		return s.conformanceCase(msg)
	case "drop":
		delete(s.kept, msg.PolicyRef)
		return map[string]any{"ok": true}, nil
	case "version":
		return map[string]any{"ok": true, "apiserver": apiserverVersion}, nil
	default:
		return nil, fmt.Errorf("unknown op %q", msg.Op)
	}
}

// apiserverVersion is the k8s.io/apiserver version go.mod pins; kept in sync by hand
// and checked by the TypeScript client against its cache path.
const apiserverVersion = "v0.36.4"

func (s *session) load(msg *message) (map[string]any, error) {
	if msg.Policy == nil {
		return nil, fmt.Errorf("load needs \"policy\" (the policy text)")
	}
	loaded, result := loadPolicy([]byte(*msg.Policy))
	if loaded != nil && msg.Keep != "" {
		s.kept[msg.Keep] = loaded
	}
	return result, nil
}

// policyFor finds the policy an eval, resolve or bench refers to: a kept one by
// name, or inline text. A policy that fails to load is reported, not evaluated.
func (s *session) policyFor(msg *message) (*loadedPolicy, map[string]any, error) {
	if msg.PolicyRef != "" {
		loaded, ok := s.kept[msg.PolicyRef]
		if !ok {
			return nil, nil, fmt.Errorf("no kept policy named %q", msg.PolicyRef)
		}
		return loaded, nil, nil
	}
	if msg.Policy != nil {
		loaded, result := loadPolicy([]byte(*msg.Policy))
		if loaded == nil {
			return nil, result, nil
		}
		return loaded, nil, nil
	}
	return nil, nil, nil
}

func (s *session) eval(msg *message) (map[string]any, error) {
	loaded, failed, err := s.policyFor(msg)
	if err != nil {
		return nil, err
	}
	if failed != nil {
		return failed, nil
	}
	if loaded == nil {
		return nil, fmt.Errorf("eval needs \"policyRef\" or \"policy\"")
	}
	var requests []attributesJSON
	if err := json.Unmarshal(msg.Requests, &requests); err != nil {
		return nil, fmt.Errorf("eval \"requests\": %v", err)
	}
	results := make([]decisionJSON, len(requests))
	for i := range requests {
		decision, err := loaded.decide(requests[i].record())
		if err != nil {
			return nil, fmt.Errorf("request %d: %v", i, err)
		}
		results[i] = decision
	}
	return map[string]any{"ok": true, "results": results}, nil
}

func (s *session) resolve(msg *message) (map[string]any, error) {
	loaded, failed, err := s.policyFor(msg)
	if err != nil {
		return nil, err
	}
	if failed != nil {
		return failed, nil
	}
	var requests []httpRequestJSON
	if err := json.Unmarshal(msg.Requests, &requests); err != nil {
		return nil, fmt.Errorf("resolve \"requests\": %v", err)
	}
	results := make([]resolvedJSON, len(requests))
	for i := range requests {
		resolved := resolveRequest(&requests[i])
		if loaded != nil && resolved.record != nil {
			decision, err := loaded.decide(resolved.record)
			if err != nil {
				return nil, fmt.Errorf("request %d: %v", i, err)
			}
			resolved.Decision = &decision
		}
		results[i] = resolved.resolvedJSON
	}
	return map[string]any{"ok": true, "results": results}, nil
}

// bench times only the evaluation loop: requests are decoded and converted to
// upstream's AttributesRecord before the clock starts.
func (s *session) bench(msg *message) (map[string]any, error) {
	loaded, failed, err := s.policyFor(msg)
	if err != nil {
		return nil, err
	}
	if failed != nil {
		return failed, nil
	}
	if loaded == nil {
		return nil, fmt.Errorf("bench needs \"policyRef\" or \"policy\"")
	}
	var requests []attributesJSON
	if err := json.Unmarshal(msg.Requests, &requests); err != nil {
		return nil, fmt.Errorf("bench \"requests\": %v", err)
	}
	iterations := msg.Iterations
	if iterations <= 0 {
		iterations = 1
	}
	records := make([]attributesRecordPtr, len(requests))
	for i := range requests {
		records[i] = requests[i].record()
	}
	evaluator := loaded.evaluator
	// Reading a field of each answer keeps the compiler from discarding the calls.
	sink := 0
	start := time.Now()
	for it := 0; it < iterations; it++ {
		for _, record := range records {
			sink += len(evaluator.EvaluatePolicyRule(record).Level)
		}
	}
	elapsed := time.Since(start)
	return map[string]any{
		"ok":          true,
		"elapsedNs":   elapsed.Nanoseconds(),
		"evaluations": iterations * len(records),
		"checksum":    sink,
	}, nil
}

// conformanceCase answers everything one conformance case asks in one line:
// the load verdict, each HTTP request resolved (and decided when the policy
// loaded), and each attributes request decided (when the policy loaded).
func (s *session) conformanceCase(msg *message) (map[string]any, error) {
	if msg.Policy == nil {
		return nil, fmt.Errorf("case needs \"policy\" (the policy text)")
	}
	var httpRequests []httpRequestJSON
	if len(msg.HTTP) > 0 {
		if err := json.Unmarshal(msg.HTTP, &httpRequests); err != nil {
			return nil, fmt.Errorf("case \"http\": %v", err)
		}
	}
	var attributes []attributesJSON
	if len(msg.Attributes) > 0 {
		if err := json.Unmarshal(msg.Attributes, &attributes); err != nil {
			return nil, fmt.Errorf("case \"attributes\": %v", err)
		}
	}
	loaded, load := loadPolicy([]byte(*msg.Policy))
	resolvedList := make([]resolvedJSON, len(httpRequests))
	for i := range httpRequests {
		resolved := resolveRequest(&httpRequests[i])
		if loaded != nil && resolved.record != nil {
			decision, err := loaded.decide(resolved.record)
			if err != nil {
				return nil, fmt.Errorf("http request %d: %v", i, err)
			}
			resolved.Decision = &decision
		}
		resolvedList[i] = resolved.resolvedJSON
	}
	var decisions []decisionJSON
	if loaded != nil {
		decisions = make([]decisionJSON, len(attributes))
		for i := range attributes {
			decision, err := loaded.decide(attributes[i].record())
			if err != nil {
				return nil, fmt.Errorf("attributes request %d: %v", i, err)
			}
			decisions[i] = decision
		}
	}
	return map[string]any{"ok": true, "load": load, "http": resolvedList, "attributes": decisions}, nil
}
