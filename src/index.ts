// auditspec's public API. Each export lives in the module named after its concept:
// audit/ (policy types, loading, validation, evaluation, explanation), request/
// (how an HTTP request becomes what the policy sees; the builder), vitest/ (the
// matchers and policy binding).
export * from './audit/types.js';
export { loadPolicy, type LoadedPolicy, type LoadPolicyOptions, type PolicySource } from './audit/policy/load.js';
export { PolicyLoadError } from './audit/policy/loadError.js';
export { formatPosition } from './audit/policy/sourceMap.js';
export { readPolicy, type ReadPolicyOptions, type ReadPolicyResult, type FieldError } from './audit/policy/reader.js';
export { validatePolicy } from './audit/validation/validation.js';
export { compilePolicy, evaluatePolicy, isLongRunning, type AuditDecision, type CompiledPolicy } from './audit/policy/checker.js';
export { explainRequest, type Explanation, type RuleTraceEntry } from './audit/policy/explain.js';
export { formatExplanation, formatDecision, formatAttributes } from './format/explanation.js';
export * from './request/index.js';
export * from './vitest/index.js';
export { expectPolicySnapshot, policySnapshot, formatSnapshotTable, AuditSnapshot, type SnapshotRequests } from './vitest/snapshot.js';
export { lintPolicy, LINT_RULES, type LintFinding, type LintRule, type LintOptions } from './lint/index.js';
export { diffPolicies, type PolicyDiff, type PolicyChange, type DecisionSide, type DiffOptions } from './diff/diffPolicies.js';
export { formatDiffText, formatDiffMarkdown, diffToJson } from './diff/format.js';
