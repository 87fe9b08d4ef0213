// The implementation under test, behind the few calls the conformance harness
// makes. Everything here is auditspec's own code; the harness never adjusts
// an answer, it only reshapes it for comparison.

import { compilePolicy, evaluatePolicy, type AuditDecision, type CompiledPolicy } from '../src/audit/policy/checker.js';
import { readPolicy } from '../src/audit/policy/reader.js';
import { DEFAULT_KUBE_VERSION, type KubeVersion } from '../src/audit/kubeVersions.js';
import type { Policy } from '../src/audit/types.js';
import { attributesFromHttp } from '../src/request/attributes.js';
import { BadRequestTargetError, RequestInfoError, resolveRequestInfo, type RequestInfo } from '../src/request/requestInfo.js';
import type { HttpRequest, RequestAttributes } from '../src/request/types.js';

/** strictWarnings: our warnings for what upstream's strict decoder refuses (unknown fields, duplicate keys). */
export type SubjectLoad =
  | { ok: true; policy: Policy; strictWarnings: string[] }
  | { ok: false; message: string; strictWarnings: string[] };

export type SubjectResolution =
  | { kind: 'ok'; info: RequestInfo }
  /** Go's HTTP server would refuse the request line. */
  | { kind: 'bad-target'; message: string }
  /** NewRequestInfo fails: kube-apiserver answers 500. */
  | { kind: 'error'; message: string; info: RequestInfo };

export type SubjectDecision = Pick<AuditDecision, 'level' | 'omitStages' | 'omitManagedFields' | 'ruleIndex'>;

export interface Subject {
  readPolicy(text: string): SubjectLoad;
  resolve(method: string, url: string): SubjectResolution;
  attributesFromHttp(req: HttpRequest): RequestAttributes;
  compile(policy: Policy): CompiledPolicy;
  evaluate(compiled: CompiledPolicy, attrs: RequestAttributes): SubjectDecision;
}

function resolve(method: string, url: string): SubjectResolution {
  try {
    return { kind: 'ok', info: resolveRequestInfo(method, url) };
  } catch (err) {
    if (err instanceof BadRequestTargetError) return { kind: 'bad-target', message: err.message };
    if (err instanceof RequestInfoError) return { kind: 'error', message: err.message, info: err.partial };
    throw err;
  }
}

/** Warning codes for what upstream's strict decoder complains about before it decodes leniently. */
const STRICT_DECODING_CODES = new Set(['unknown-field', 'case-mismatch', 'misplaced-field', 'duplicate-key']);

/** auditspec deciding as kube-apiserver `kubeVersion` does. */
export function createSubject(kubeVersion: KubeVersion = DEFAULT_KUBE_VERSION): Subject {
  return {
    readPolicy(text) {
      const read = readPolicy(text, { kubeVersion });
      const strictWarnings = read.warnings.filter((w) => STRICT_DECODING_CODES.has(w.code)).map((w) => w.message);
      return read.ok
        ? { ok: true, policy: read.policy, strictWarnings }
        : { ok: false, message: read.error.reason, strictWarnings };
    },
    resolve,
    attributesFromHttp,
    compile: compilePolicy,
    evaluate: evaluatePolicy,
  };
}
