package main

import (
	"fmt"
	"sort"

	auditinternal "k8s.io/apiserver/pkg/apis/audit"
	"k8s.io/apiserver/pkg/audit"
	"k8s.io/apiserver/pkg/audit/policy"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/apiserver/pkg/authorization/authorizer"
)

type attributesRecordPtr = *authorizer.AttributesRecord

// loadedPolicy is a policy upstream accepted, with the evaluators built once.
type loadedPolicy struct {
	policy    *auditinternal.Policy
	evaluator audit.PolicyRuleEvaluator
	// ruleAlone[i] evaluates a policy holding only rule i (see decide).
	ruleAlone []audit.PolicyRuleEvaluator
}

// loadPolicy runs policy.LoadPolicyFromBytes and describes the outcome. A nil
// *loadedPolicy means upstream rejected the text; the map is the answer either way.
func loadPolicy(text []byte) (*loadedPolicy, map[string]any) {
	warnings.reset()
	loadedAsIs, err := policy.LoadPolicyFromBytes(text)
	strictError := warnings.strictDecodingError()
	if err != nil {
		return nil, map[string]any{"ok": false, "error": err.Error(), "strictError": strictError}
	}
	// NewPolicyRuleEvaluator rewrites each rule's omitStages in place, so it gets
	// its own copy and the description below shows the policy as decoded.
	loaded := &loadedPolicy{
		policy:    loadedAsIs,
		evaluator: policy.NewPolicyRuleEvaluator(loadedAsIs.DeepCopy()),
		ruleAlone: make([]audit.PolicyRuleEvaluator, len(loadedAsIs.Rules)),
	}
	for i := range loadedAsIs.Rules {
		loaded.ruleAlone[i] = policy.NewPolicyRuleEvaluator(soloPolicy(&loadedAsIs.Rules[i]))
	}
	return loaded, map[string]any{
		"ok":          true,
		"rules":       len(loadedAsIs.Rules),
		"strictError": strictError,
		"policy":      describePolicy(loadedAsIs),
	}
}

// ruleAloneSentinel is a level no unmatched request can get from a one-rule
// policy: upstream answers LevelNone when nothing matches.
const ruleAloneSentinel = auditinternal.LevelRequestResponse

// soloPolicy is a policy with only a copy of rule, its level replaced by the
// sentinel. Matching never reads the level, so upstream's own ruleMatches
// decides whether the rule matches a request: the answer is the sentinel level
// exactly when it does, also for rules whose real level is None.
func soloPolicy(rule *auditinternal.PolicyRule) *auditinternal.Policy {
	solo := rule.DeepCopy()
	solo.Level = ruleAloneSentinel
	solo.OmitStages = nil
	return &auditinternal.Policy{Rules: []auditinternal.PolicyRule{*solo}}
}

// decide is upstream's decision for one request, plus the index of the rule
// that made it: the first rule that matches when evaluated alone, which is the
// rule EvaluatePolicyRule stops at since it returns on the first match. The
// two are cross-checked so a flaw in this reconstruction cannot go unnoticed.
func (p *loadedPolicy) decide(attrs attributesRecordPtr) (decisionJSON, error) {
	config := p.evaluator.EvaluatePolicyRule(attrs)
	decision := decisionJSON{
		Level:             string(config.Level),
		OmitStages:        sortedStages(config.OmitStages),
		OmitManagedFields: config.OmitManagedFields,
	}
	for i, alone := range p.ruleAlone {
		if alone.EvaluatePolicyRule(attrs).Level == ruleAloneSentinel {
			index := i
			decision.RuleIndex = &index
			break
		}
	}
	if decision.RuleIndex == nil {
		if config.Level != policy.DefaultAuditLevel {
			return decision, fmt.Errorf("no rule matches alone, yet the policy answered %q", config.Level)
		}
	} else if rule := p.policy.Rules[*decision.RuleIndex]; rule.Level != config.Level {
		return decision, fmt.Errorf("rule %d matches first alone, but its level %q is not the policy's answer %q",
			*decision.RuleIndex, rule.Level, config.Level)
	}
	return decision, nil
}

type decisionJSON struct {
	Level string `json:"level"`
	// OmitStages holds each stage once, in the order kube-apiserver emits stages.
	OmitStages        []string `json:"omitStages"`
	OmitManagedFields bool     `json:"omitManagedFields"`
	// RuleIndex is the deciding rule's 0-based index, null when no rule matched.
	RuleIndex *int `json:"ruleIndex"`
}

var stageOrder = map[auditinternal.Stage]int{
	auditinternal.StageRequestReceived:  0,
	auditinternal.StageResponseStarted:  1,
	auditinternal.StageResponseComplete: 2,
	auditinternal.StagePanic:            3,
}

func sortedStages(stages []auditinternal.Stage) []string {
	seen := map[auditinternal.Stage]bool{}
	out := []string{}
	for _, s := range stages {
		if !seen[s] {
			seen[s] = true
			out = append(out, string(s))
		}
	}
	sort.Slice(out, func(a, b int) bool {
		ra, oka := stageOrder[auditinternal.Stage(out[a])]
		rb, okb := stageOrder[auditinternal.Stage(out[b])]
		if oka != okb {
			return oka
		}
		if ra != rb {
			return ra < rb
		}
		return out[a] < out[b]
	})
	return out
}

// attributesJSON mirrors RequestAttributes in src/request/types.ts.
type attributesJSON struct {
	User            *userJSON `json:"user"`
	Verb            string    `json:"verb"`
	ResourceRequest bool      `json:"resourceRequest"`
	APIGroup        string    `json:"apiGroup"`
	APIVersion      string    `json:"apiVersion"`
	Resource        string    `json:"resource"`
	Subresource     string    `json:"subresource"`
	Namespace       string    `json:"namespace"`
	Name            string    `json:"name"`
	Path            string    `json:"path"`
}

type userJSON struct {
	Name   string   `json:"name"`
	Groups []string `json:"groups"`
}

func (a *attributesJSON) record() attributesRecordPtr {
	record := &authorizer.AttributesRecord{
		Verb:            a.Verb,
		ResourceRequest: a.ResourceRequest,
		APIGroup:        a.APIGroup,
		APIVersion:      a.APIVersion,
		Resource:        a.Resource,
		Subresource:     a.Subresource,
		Namespace:       a.Namespace,
		Name:            a.Name,
		Path:            a.Path,
	}
	// A null user must stay a nil interface: upstream tests user == nil.
	if a.User != nil {
		record.User = &user.DefaultInfo{Name: a.User.Name, Groups: a.User.Groups}
	}
	return record
}

func attributesFromRecord(record attributesRecordPtr) attributesJSON {
	out := attributesJSON{
		Verb:            record.Verb,
		ResourceRequest: record.ResourceRequest,
		APIGroup:        record.APIGroup,
		APIVersion:      record.APIVersion,
		Resource:        record.Resource,
		Subresource:     record.Subresource,
		Namespace:       record.Namespace,
		Name:            record.Name,
		Path:            record.Path,
	}
	if record.User != nil {
		groups := record.User.GetGroups()
		if groups == nil {
			groups = []string{}
		}
		out.User = &userJSON{Name: record.User.GetName(), Groups: groups}
	}
	return out
}

// describePolicy is the decoded policy (upstream's internal type, which keeps
// no apiVersion/kind) with upstream's field names in JSON
// casing, nil lists as [] and an unset rule omitManagedFields as null, so a
// client can compare its own decoding field by field.
func describePolicy(p *auditinternal.Policy) map[string]any {
	rules := make([]map[string]any, len(p.Rules))
	for i, r := range p.Rules {
		resources := make([]map[string]any, len(r.Resources))
		for j, gr := range r.Resources {
			resources[j] = map[string]any{
				"group":         gr.Group,
				"resources":     nonNil(gr.Resources),
				"resourceNames": nonNil(gr.ResourceNames),
			}
		}
		var omitManagedFields any
		if r.OmitManagedFields != nil {
			omitManagedFields = *r.OmitManagedFields
		}
		rules[i] = map[string]any{
			"level":             string(r.Level),
			"users":             nonNil(r.Users),
			"userGroups":        nonNil(r.UserGroups),
			"verbs":             nonNil(r.Verbs),
			"resources":         resources,
			"namespaces":        nonNil(r.Namespaces),
			"nonResourceURLs":   nonNil(r.NonResourceURLs),
			"omitStages":        stageStrings(r.OmitStages),
			"omitManagedFields": omitManagedFields,
		}
	}
	return map[string]any{
		"rules":             rules,
		"omitStages":        stageStrings(p.OmitStages),
		"omitManagedFields": p.OmitManagedFields,
	}
}

func nonNil(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}

func stageStrings(stages []auditinternal.Stage) []string {
	out := make([]string, len(stages))
	for i, s := range stages {
		out[i] = string(s)
	}
	return out
}
