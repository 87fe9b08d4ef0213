// The implementation under test, behind the few calls the conformance harness
// makes. Everything here is auditspec's own code; the harness never adjusts
// an answer, it only reshapes it for comparison.

import { compilePolicy, evaluatePolicy, type AuditDecision, type CompiledPolicy } from '../src/audit/policy/checker.js';
import type { Policy } from '../src/audit/types.js';
import { DEFAULT_KUBE_VERSION } from '../src/audit/types.js';
import { attributesFromHttp } from '../src/request/attributes.js';
import { BadRequestTargetError, RequestInfoError, resolveRequestInfo, type RequestInfo } from '../src/request/requestInfo.js';
import type { HttpRequest, RequestAttributes } from '../src/request/types.js';

export type SubjectLoad = { ok: true; policy: Policy } | { ok: false; message: string };

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

interface ReaderModule {
  readPolicy(
    text: string,
    options: { kubeVersion: string },
  ): { ok: true; policy: Policy } | { ok: false; error: { message: string } };
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

/** The loader lives in src/audit/policy/reader.ts. */
async function loadReader(): Promise<ReaderModule> {
  const specifier = '../src/audit/policy/reader.js';
  return (await import(/* @vite-ignore */ specifier)) as ReaderModule;
}

export async function createSubject(): Promise<Subject> {
  const reader = await loadReader();
  return {
    readPolicy(text) {
      const read = reader.readPolicy(text, { kubeVersion: DEFAULT_KUBE_VERSION });
      return read.ok ? { ok: true, policy: read.policy } : { ok: false, message: read.error.message };
    },
    resolve,
    attributesFromHttp,
    compile: compilePolicy,
    evaluate: evaluatePolicy,
  };
}
