// Compares auditspec's answers for one case with upstream's, field by field.
// Every difference is reported; nothing is normalised away except what the
// brief defines as equal (omitStages compared as sets).

import type { Policy } from '../src/audit/types.js';
import type { HttpRequest, RequestAttributes } from '../src/request/types.js';
import type { ConformanceCase } from './generate/case.js';
import type {
  OracleCaseAnswer,
  OracleDecision,
  OraclePolicy,
  OracleRequestInfo,
  OracleResolved,
} from './oracle/protocol.js';
import type { Subject, SubjectDecision, SubjectLoad, SubjectResolution } from './subject.js';

export type MismatchKind =
  | 'load-verdict'
  | 'load-message'
  | 'load-policy'
  | 'load-warnings'
  | 'resolve-verdict'
  | 'resolve-message'
  | 'resolve-info'
  | 'attributes'
  | 'decision-http'
  | 'decision-attributes'
  | 'crash';

export interface Mismatch {
  kind: MismatchKind;
  seed: string;
  caseIndex: number;
  /** Which request of the case, when the mismatch is about one. */
  requestIndex?: number;
  policyText: string;
  request?: HttpRequest | RequestAttributes;
  ours: unknown;
  upstream: unknown;
  /** The fields that differ, e.g. ["ruleIndex"]. */
  fields: string[];
}

/** Upstream's decoded policy shape, from ours. */
export function describeOurPolicy(policy: Policy): OraclePolicy {
  return {
    rules: policy.rules.map((r) => ({
      level: r.level,
      users: [...r.users],
      userGroups: [...r.userGroups],
      verbs: [...r.verbs],
      resources: r.resources.map((gr) => ({
        group: gr.group,
        resources: [...gr.resources],
        resourceNames: [...gr.resourceNames],
      })),
      namespaces: [...r.namespaces],
      nonResourceURLs: [...r.nonResourceURLs],
      omitStages: [...r.omitStages],
      omitManagedFields: r.omitManagedFields === undefined ? null : r.omitManagedFields,
    })),
    omitStages: [...policy.omitStages],
    omitManagedFields: policy.omitManagedFields,
  };
}

/** JSON with object keys sorted, so key order (Go sorts map keys) never counts as a difference. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** Deep equality of JSON-shaped values; object key order does not count. */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((x, i) => same(x, other[i]));
  }
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Top-level keys whose values differ. */
export function differingFields(ours: object, upstream: object): string[] {
  const keys = new Set([...Object.keys(ours), ...Object.keys(upstream)]);
  const out: string[] = [];
  for (const k of keys) {
    if (!same((ours as Record<string, unknown>)[k], (upstream as Record<string, unknown>)[k])) out.push(k);
  }
  return out.sort();
}

/** Where two decoded policies first differ, as a path like "rules[2].verbs". */
export function firstPolicyDifference(ours: OraclePolicy, upstream: OraclePolicy): string[] {
  if (ours.rules.length !== upstream.rules.length) return ['rules.length'];
  const top = differingFields(
    { omitStages: ours.omitStages, omitManagedFields: ours.omitManagedFields },
    { omitStages: upstream.omitStages, omitManagedFields: upstream.omitManagedFields },
  );
  const out = [...top];
  ours.rules.forEach((rule, i) => {
    for (const f of differingFields(rule, upstream.rules[i])) out.push(`rules[${i}].${f}`);
  });
  return out;
}

export function decisionOf(d: SubjectDecision | OracleDecision): OracleDecision {
  return {
    level: d.level,
    omitStages: [...d.omitStages].sort(),
    omitManagedFields: d.omitManagedFields,
    ruleIndex: d.ruleIndex,
  };
}

function infoOf(info: OracleRequestInfo): OracleRequestInfo {
  return {
    isResourceRequest: info.isResourceRequest,
    path: info.path,
    verb: info.verb,
    apiPrefix: info.apiPrefix,
    apiGroup: info.apiGroup,
    apiVersion: info.apiVersion,
    namespace: info.namespace,
    resource: info.resource,
    subresource: info.subresource,
    name: info.name,
    parts: [...info.parts],
    fieldSelector: info.fieldSelector,
    labelSelector: info.labelSelector,
  };
}

function attributesOf(a: RequestAttributes): RequestAttributes {
  return {
    user: a.user === null ? null : { name: a.user.name, groups: [...a.user.groups] },
    verb: a.verb,
    resourceRequest: a.resourceRequest,
    apiGroup: a.apiGroup,
    apiVersion: a.apiVersion,
    resource: a.resource,
    subresource: a.subresource,
    namespace: a.namespace,
    name: a.name,
    path: a.path,
  };
}

function resolutionVerdict(r: SubjectResolution | OracleResolved): 'refused' | 'error' | 'ok' {
  if ('kind' in r) return r.kind === 'bad-target' ? 'refused' : r.kind === 'error' ? 'error' : 'ok';
  if (r.urlError) return 'refused';
  if (r.error) return 'error';
  return 'ok';
}

/** Compares one case; `answer` is upstream's. */
export function compareCase(c: ConformanceCase, answer: OracleCaseAnswer, subject: Subject): Mismatch[] {
  const mismatches: Mismatch[] = [];
  const base = { seed: c.seed, caseIndex: c.index, policyText: c.policy.text };
  const report = (m: Omit<Mismatch, 'seed' | 'caseIndex' | 'policyText'>) => mismatches.push({ ...base, ...m });
  const guard = <T>(what: string, fn: () => T, request?: HttpRequest | RequestAttributes, requestIndex?: number): T | undefined => {
    try {
      return fn();
    } catch (err) {
      report({
        kind: 'crash',
        request,
        requestIndex,
        ours: `${what} threw: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
        upstream: '(no exception)',
        fields: [what],
      });
      return undefined;
    }
  };

  // 1. The loader.
  const ours: SubjectLoad | undefined = guard('readPolicy', () => subject.readPolicy(c.policy.text));
  if (!ours) return mismatches;
  const upstream = answer.load;
  if (ours.ok !== upstream.ok) {
    report({
      kind: 'load-verdict',
      ours: ours.ok ? 'accepted' : ours.message,
      upstream: upstream.ok ? 'accepted' : upstream.error,
      fields: ['ok'],
    });
  } else if (!ours.ok && !upstream.ok) {
    if (ours.message !== upstream.error) {
      report({ kind: 'load-message', ours: ours.message, upstream: upstream.error, fields: ['error'] });
    }
  } else if (ours.ok && upstream.ok) {
    const described = describeOurPolicy(ours.policy);
    const fields = firstPolicyDifference(described, upstream.policy);
    if (fields.length > 0) report({ kind: 'load-policy', ours: described, upstream: upstream.policy, fields });
    // Upstream only logs what its strict decoder refused; we must at least warn whenever it does.
    if ((ours.strictWarnings.length > 0) !== (upstream.strictError !== '')) {
      report({ kind: 'load-warnings', ours: ours.strictWarnings, upstream: upstream.strictError, fields: ['strictError'] });
    }
  }
  const compiled = ours.ok && upstream.ok ? guard('compilePolicy', () => subject.compile(ours.policy)) : undefined;

  // 2. HTTP requests: resolution, attributes, decision.
  c.http.forEach((req, i) => {
    const theirs = answer.http[i];
    const mine = guard('resolveRequestInfo', () => subject.resolve(req.method, req.url), req, i);
    if (!mine) return;
    const verdicts = [resolutionVerdict(mine), resolutionVerdict(theirs)];
    if (verdicts[0] !== verdicts[1]) {
      report({
        kind: 'resolve-verdict',
        request: req,
        requestIndex: i,
        ours: mine,
        upstream: { urlError: theirs.urlError, error: theirs.error, info: theirs.info },
        fields: ['verdict'],
      });
      return;
    }
    if (mine.kind === 'bad-target') return;
    if (mine.kind === 'error' && mine.message !== theirs.error) {
      report({ kind: 'resolve-message', request: req, requestIndex: i, ours: mine.message, upstream: theirs.error, fields: ['error'] });
    }
    if (theirs.info) {
      const a = infoOf(mine.info);
      const b = infoOf(theirs.info);
      const fields = differingFields(a, b);
      if (fields.length > 0) report({ kind: 'resolve-info', request: req, requestIndex: i, ours: a, upstream: b, fields });
    }
    if (mine.kind === 'error' || !theirs.attributes) return;
    const attrs = guard('attributesFromHttp', () => subject.attributesFromHttp(req), req, i);
    if (!attrs) return;
    const a = attributesOf(attrs);
    const b = attributesOf(theirs.attributes);
    const fields = differingFields(a, b);
    if (fields.length > 0) {
      report({ kind: 'attributes', request: req, requestIndex: i, ours: a, upstream: b, fields });
      return;
    }
    if (compiled && theirs.decision) {
      const decided = guard('evaluatePolicy', () => subject.evaluate(compiled, attrs), req, i);
      if (!decided) return;
      const x = decisionOf(decided);
      const y = decisionOf(theirs.decision);
      const dfields = differingFields(x, y);
      if (dfields.length > 0) report({ kind: 'decision-http', request: req, requestIndex: i, ours: x, upstream: y, fields: dfields });
    }
  });

  // 3. Attribute requests: the decision alone.
  if (compiled && answer.attributes) {
    c.attributes.forEach((attrs, i) => {
      const decided = guard('evaluatePolicy', () => subject.evaluate(compiled, attrs), attrs, i);
      if (!decided) return;
      const x = decisionOf(decided);
      const y = decisionOf(answer.attributes![i]);
      const fields = differingFields(x, y);
      if (fields.length > 0) {
        report({ kind: 'decision-attributes', request: attrs, requestIndex: i, ours: x, upstream: y, fields });
      }
    });
  }
  return mismatches;
}
