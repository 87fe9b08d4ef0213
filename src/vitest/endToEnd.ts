// End to end, matchers stay synchronous: each one decides offline as usual and
// queues the request here; after the test, the whole batch is sent to the real
// kube-apiserver through the installed observer and what it wrote is compared
// with the offline decision. The matchers' assertions hold on the offline
// decision, so proving decision == log proves them on the log.
//
// A disagreement is not a failed spec but a bug in auditspec's evaluator, and
// is reported as one, with both sides and the rule trace.
//
// What is proven live is the level logged and the stages written, per request:
// an audit event does not say which rule decided, nor whether managedFields
// were omitted (a body without them looks the same), so toBeDecidedBy,
// toHitDefault and toOmitManagedFields hold on the offline decision alone.
import { evaluatePolicy, type AuditDecision } from '../audit/policy/checker.js';
import { explainRequest } from '../audit/policy/explain.js';
import { formatDecision, formatExplanation } from '../format/explanation.js';
import { attributesFromHttp, httpFromAttributes } from '../request/attributes.js';
import { ANONYMOUS_USER, AUTHENTICATED_GROUP, anonymous, failedAuthentication, user } from '../request/identity.js';
import type { AuditRequest, Identity } from '../request/types.js';
import { currentObserver, type ObservedResult } from './observer.js';
import type { PolicyBinding } from './policyBinding.js';
import { emptyTally } from '../e2e/tally.js';
import { projectKubeVersion } from './kubeVersion.js';

interface PendingCheck {
  binding: PolicyBinding;
  request: AuditRequest;
  decision: AuditDecision;
}

const pending: PendingCheck[] = [];

export function deferEndToEndCheck(binding: PolicyBinding, request: AuditRequest, decision: AuditDecision): void {
  // Several matchers on one request in one test: send it once.
  if (pending.some((p) => p.request === request && p.binding === binding)) return;
  pending.push({ binding, request, decision });
}

/**
 * The request as it will really be sent, with the attributes kube-apiserver will
 * see for it. Requests described only by attributes get an HTTP form; their
 * attributes are then re-resolved from it, because kube-apiserver itself adds
 * system:authenticated to an authenticated user (a recorded identity may lack it).
 */
function sendable(check: PendingCheck): PendingCheck | undefined {
  const { request } = check;
  if (request.http) return check;
  const http = httpFromAttributes(request.attributes);
  if (!http) return undefined;
  const sent = { method: http.method, url: http.url, identity: identityOf(request) };
  const attributes = attributesFromHttp(sent);
  return {
    binding: check.binding,
    request: { ...request, http: sent, attributes },
    decision: evaluatePolicy(check.binding.compiled, attributes),
  };
}

/**
 * Whether the request can be sent to a real kube-apiserver. Requests described
 * only by attributes need an HTTP form that resolves back to them; some
 * attribute sets (e.g. verb "get" without a name) have none.
 */
export function canSendEndToEnd(request: AuditRequest): boolean {
  return request.http !== undefined || httpFromAttributes(request.attributes) !== undefined;
}

/** The end-to-end backend specs are running against, or undefined offline. */
export function endToEndBackend(): string | undefined {
  return currentObserver()?.backend;
}

/**
 * An identity that sends as close to the recorded user as a client can. Unlike
 * identityForPolicyUser (exact, or nothing), this always answers: the prediction
 * is re-made on what kube-apiserver will really see for it.
 */
function identityOf(request: AuditRequest): Identity {
  const seen = request.attributes.user;
  if (seen === null) return failedAuthentication;
  if (seen.name === ANONYMOUS_USER) return anonymous;
  // kube-apiserver adds system:authenticated itself; a certificate must not carry it twice.
  return user(seen.name, seen.groups.filter((g) => g !== AUTHENTICATED_GROUP));
}

function sameStages(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((stage, i) => stage === b[i]);
}

function mismatchMessage(check: PendingCheck, observed: ObservedResult, backend: string): string {
  const trace = formatExplanation(explainRequest(check.binding.compiled, check.request.attributes));
  return [
    `auditspec BUG: the offline evaluator disagrees with kube-apiserver (${backend}).`,
    `Request:  ${check.request.label}`,
    `Policy:   ${check.binding.displayPath}`,
    `Offline:  ${formatDecision(check.decision)}; stages written [${check.decision.stages.join(', ')}]`,
    `Observed: ${observed.level}; stages written [${observed.stages.join(', ')}] (HTTP ${observed.status}, auditID ${observed.auditID})`,
    trace,
    'Please report this with the policy and request above: kube-apiserver is the judge, so auditspec is wrong here.',
  ].join('\n');
}

/**
 * Sends every queued request and throws if kube-apiserver wrote something else
 * than predicted. Requests with no HTTP form cannot be sent: they stay proven
 * offline only, and are counted so the run can say how many.
 */
export async function flushEndToEndChecks(): Promise<void> {
  const observer = currentObserver();
  const batch = pending.splice(0, pending.length);
  if (!observer || batch.length === 0) return;
  const tally = emptyTally();
  const failures: string[] = [];
  // The cluster runs the run's version (auditspecTestConfig gives the backend the same one).
  const clusterVersion = projectKubeVersion();
  await Promise.all(
    batch.map(async (check) => {
      if (check.binding.kubeVersion !== clusterVersion) {
        tally.otherVersion++;
        return;
      }
      const sent = sendable(check);
      if (!sent) {
        tally.noHttpForm++;
        return;
      }
      const observed = await observer.observe(sent.binding.file, sent.request);
      if (observed.level !== sent.decision.level || !sameStages(observed.stages, sent.decision.stages)) {
        tally.disagreed++;
        failures.push(mismatchMessage(sent, observed, observer.backend));
      } else {
        tally.provenLive++;
      }
    }),
  );
  await observer.tally?.(tally);
  if (failures.length > 0) throw new Error(failures.join('\n\n'));
}
