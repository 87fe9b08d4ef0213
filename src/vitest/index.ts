// The Vitest face of auditspec: policy binding, request helpers and matchers.
export { describePolicy, usePolicy, activePolicy, loadPolicyBinding, type PolicyBinding } from './policyBinding.js';
export { describeModule, activeModule } from './describeModule.js';
export { auditMatchers, type AuditMatchers, type ModuleRuleReference, type RuleReference } from './matchers/index.js';
export { installObserver, currentObserver, type EndToEndObserver, type ObservedResult } from './observer.js';
export { onDecision, type DecisionRecord } from './decisions.js';
export { canSendEndToEnd, endToEndBackend, flushEndToEndChecks } from './endToEnd.js';
