// What every matcher starts from: the request it was given, the policy the
// running test is bound to, and kube-apiserver's decision for that pair.
import type { AuditDecision } from '../audit/policy/checker.js';
import { evaluatePolicy } from '../audit/policy/checker.js';
import { explainRequest } from '../audit/policy/explain.js';
import { formatAttributes, formatDecision, formatExplanation } from '../format/explanation.js';
import type { AuditRequest, RequestAttributes } from '../request/types.js';
import { reportDecision } from './decisions.js';
import { deferEndToEndCheck } from './endToEnd.js';
import { currentObserver } from './observer.js';
import { activePolicy, type PolicyBinding } from './policyBinding.js';

export interface MatcherSubject {
  binding: PolicyBinding;
  request: AuditRequest;
  decision: AuditDecision;
}

function isAttributes(value: unknown): value is RequestAttributes {
  return typeof value === 'object' && value !== null && 'verb' in value && 'resourceRequest' in value && 'user' in value;
}

/** Accepts what the builder returns (AuditRequest) or bare attributes. */
export function toAuditRequest(received: unknown): AuditRequest {
  if (typeof received === 'object' && received !== null && 'attributes' in received && isAttributes((received as AuditRequest).attributes)) {
    return received as AuditRequest;
  }
  if (isAttributes(received)) return { attributes: received, label: formatAttributes(received) };
  throw new TypeError(
    `auditspec matchers expect a request, e.g. expect(as('alice').get('pods', 'web', { namespace: 'prod' })); received ${typeof received === 'object' ? JSON.stringify(received) : String(received)}`,
  );
}

/**
 * Decides the request under the active policy, records the decision for rule
 * coverage and, end to end, queues the request to be checked against what
 * kube-apiserver really writes.
 */
export function subjectFor(received: unknown): MatcherSubject {
  const binding = activePolicy();
  if (!binding) {
    throw new Error(
      "auditspec: this test is not bound to a policy. Wrap it in describePolicy('path/to/policy.yaml', () => { … }) or call usePolicy('path/to/policy.yaml') in its describe block.",
    );
  }
  const request = toAuditRequest(received);
  const decision = evaluatePolicy(binding.compiled, request.attributes);
  const observer = currentObserver();
  reportDecision({ policyFile: binding.file, ruleIndex: decision.ruleIndex, request, mode: observer?.backend ?? 'offline' });
  if (observer) deferEndToEndCheck(binding, request, decision);
  return { binding, request, decision };
}

/** The lines every failure message ends with: the request, the decision, and the rule trace. */
export function describeSubject(subject: MatcherSubject): string {
  const trace = formatExplanation(explainRequest(subject.binding.compiled, subject.request.attributes));
  return [
    `Request:  ${subject.request.label}`,
    `Decision: ${formatDecision(subject.decision)}`,
    `Policy:   ${subject.binding.displayPath}`,
    trace,
  ].join('\n');
}
