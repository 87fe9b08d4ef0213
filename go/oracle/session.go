package main

import (
	"encoding/json"
	"fmt"
	"runtime/debug"
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

// apiserverVersion is the k8s.io/apiserver module this binary was built
// against, read from the build itself: one source tree is built once per
// supported version (versions/<minor>.mod), so no constant could be right for all.
var apiserverVersion = func() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == "k8s.io/apiserver" {
				return dep.Version
			}
		}
	}
	return "unknown"
}()

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

// attributesInput is what eval and bench share: the policy they refer to and
// their requests as upstream's AttributesRecord, decoded before either starts
// (bench must not time the decoding).
func (s *session) attributesInput(msg *message) (*loadedPolicy, []attributesRecordPtr, map[string]any, error) {
	loaded, failed, err := s.policyFor(msg)
	if err != nil || failed != nil {
		return nil, nil, failed, err
	}
	if loaded == nil {
		return nil, nil, nil, fmt.Errorf("%s needs \"policyRef\" or \"policy\"", msg.Op)
	}
	records, err := attributesRecords(msg.Requests, msg.Op+" \"requests\"")
	return loaded, records, nil, err
}

// attributesRecords decodes a JSON list of attributes; what names the list in errors.
func attributesRecords(list json.RawMessage, what string) ([]attributesRecordPtr, error) {
	if len(list) == 0 {
		return nil, nil
	}
	var requests []attributesJSON
	if err := json.Unmarshal(list, &requests); err != nil {
		return nil, fmt.Errorf("%s: %v", what, err)
	}
	records := make([]attributesRecordPtr, len(requests))
	for i := range requests {
		records[i] = requests[i].record()
	}
	return records, nil
}

// decideAll is the one loop that decides requests for eval and case.
func (p *loadedPolicy) decideAll(records []attributesRecordPtr, what string) ([]decisionJSON, error) {
	results := make([]decisionJSON, len(records))
	for i, record := range records {
		decision, err := p.decide(record)
		if err != nil {
			return nil, fmt.Errorf("%s[%d]: %v", what, i, err)
		}
		results[i] = decision
	}
	return results, nil
}

// resolveAll is the one loop that resolves HTTP requests for resolve and case,
// deciding each one that resolved when a policy is given.
func resolveAll(loaded *loadedPolicy, list json.RawMessage, what string) ([]resolvedJSON, error) {
	var requests []httpRequestJSON
	if len(list) > 0 {
		if err := json.Unmarshal(list, &requests); err != nil {
			return nil, fmt.Errorf("%s: %v", what, err)
		}
	}
	results := make([]resolvedJSON, len(requests))
	for i := range requests {
		resolved := resolveRequest(&requests[i])
		if loaded != nil && resolved.record != nil {
			decision, err := loaded.decide(resolved.record)
			if err != nil {
				return nil, fmt.Errorf("%s[%d]: %v", what, i, err)
			}
			resolved.Decision = &decision
		}
		results[i] = resolved.resolvedJSON
	}
	return results, nil
}

func (s *session) eval(msg *message) (map[string]any, error) {
	loaded, records, failed, err := s.attributesInput(msg)
	if err != nil || failed != nil {
		return failed, err
	}
	results, err := loaded.decideAll(records, msg.Op+" \"requests\"")
	if err != nil {
		return nil, err
	}
	return map[string]any{"ok": true, "results": results}, nil
}

func (s *session) resolve(msg *message) (map[string]any, error) {
	loaded, failed, err := s.policyFor(msg)
	if err != nil || failed != nil {
		return failed, err
	}
	results, err := resolveAll(loaded, msg.Requests, "resolve \"requests\"")
	if err != nil {
		return nil, err
	}
	return map[string]any{"ok": true, "results": results}, nil
}

// bench times only the evaluation loop: requests are decoded and converted to
// upstream's AttributesRecord before the clock starts.
func (s *session) bench(msg *message) (map[string]any, error) {
	loaded, records, failed, err := s.attributesInput(msg)
	if err != nil || failed != nil {
		return failed, err
	}
	iterations := max(msg.Iterations, 1)
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
	attributes, err := attributesRecords(msg.Attributes, "case \"attributes\"")
	if err != nil {
		return nil, err
	}
	loaded, load := loadPolicy([]byte(*msg.Policy))
	resolved, err := resolveAll(loaded, msg.HTTP, "case \"http\"")
	if err != nil {
		return nil, err
	}
	var decisions []decisionJSON
	if loaded != nil {
		if decisions, err = loaded.decideAll(attributes, "case \"attributes\""); err != nil {
			return nil, err
		}
	}
	return map[string]any{"ok": true, "load": load, "http": resolved, "attributes": decisions}, nil
}
