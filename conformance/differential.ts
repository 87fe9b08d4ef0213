// Differential testing between kube-apiserver versions: the same generated
// cases (conformance/generate) go to every version's oracle (upstream's own
// k8s.io/apiserver of that version), and each pair of neighbouring versions is
// compared answer by answer: loading verdict and message, the decoded policy,
// RequestInfo, the user and attributes the policy sees, and the decision.
// What differs is grouped into classes (kind plus the answers with names and
// numbers blurred), so one upstream change shows as one line with a count and
// a first example to replay. auditspec itself is not asked: per-version
// conformance (`npm run conformance -- --kube-version X`) proves it follows
// each side of every difference found here.

import { canonicalJson } from './compare.js';
import { generateCase, type ConformanceCase } from './generate/case.js';
import type { Oracle } from './oracle/client.js';
import type { OracleCaseAnswer } from './oracle/protocol.js';
import type { KubeVersion } from '../src/audit/kubeVersions.js';

export type DifferenceKind =
  | 'load-verdict'
  | 'load-message'
  | 'load-strict-warning'
  | 'load-policy'
  | 'url-error'
  | 'request-info'
  | 'request-deadline'
  | 'user'
  | 'attributes'
  | 'decision-http'
  | 'decision-attributes';

export interface Difference {
  kind: DifferenceKind;
  caseIndex: number;
  requestIndex?: number;
  older: unknown;
  newer: unknown;
}

export interface DifferenceClass {
  signature: string;
  kind: DifferenceKind;
  count: number;
  first: Difference;
}

export interface PairReport {
  older: KubeVersion;
  newer: KubeVersion;
  /** Cases compared, and answers (load verdicts plus requests) within them. */
  cases: number;
  answers: number;
  /** Cases with at least one difference. */
  casesDiffering: number;
  classes: DifferenceClass[];
}

const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);

/** Every difference between two versions' answers to one case. */
export function diffAnswers(c: ConformanceCase, older: OracleCaseAnswer, newer: OracleCaseAnswer): Difference[] {
  const out: Difference[] = [];
  const add = (kind: DifferenceKind, a: unknown, b: unknown, requestIndex?: number) =>
    out.push({ kind, caseIndex: c.index, ...(requestIndex === undefined ? {} : { requestIndex }), older: a, newer: b });
  const [lo, ln] = [older.load, newer.load];
  if (lo.ok !== ln.ok) add('load-verdict', lo.ok ? 'loaded' : lo.error, ln.ok ? 'loaded' : ln.error);
  else if (!lo.ok && !ln.ok && lo.error !== ln.error) add('load-message', lo.error, ln.error);
  else if (lo.ok && ln.ok && !same(lo.policy, ln.policy)) add('load-policy', lo.policy, ln.policy);
  if (lo.strictError !== ln.strictError) add('load-strict-warning', lo.strictError, ln.strictError);
  // A policy only one version loads decides only there: the verdict is the difference.
  const decides = lo.ok === ln.ok;
  older.http.forEach((a, i) => {
    const b = newer.http[i]!;
    if (a.urlError !== b.urlError || a.error !== b.error) add('url-error', a.urlError ?? a.error ?? null, b.urlError ?? b.error ?? null, i);
    else if (!same(a.info, b.info)) add('request-info', a.info, b.info, i);
    else if (!same(a.requestDeadline, b.requestDeadline)) add('request-deadline', a.requestDeadline, b.requestDeadline, i);
    else if (!same(a.attributes?.user, b.attributes?.user)) add('user', a.attributes?.user, b.attributes?.user, i);
    else if (!same(a.attributes, b.attributes)) add('attributes', a.attributes, b.attributes, i);
    else if (decides && !same(a.decision, b.decision)) add('decision-http', a.decision, b.decision, i);
  });
  (older.attributes ?? []).forEach((a, i) => {
    const b = newer.attributes?.[i];
    if (b !== undefined && !same(a, b)) add('decision-attributes', a, b, i);
  });
  return out;
}

const blur = (text: string) =>
  text
    .replace(/"(?:[^"\\]|\\.)*"|'[^']*'/g, 'Q')
    .replace(/\d+/g, 'N')
    // A list's length is a name-like detail too: []string{Q, Q} and []string{Q} are one class.
    .replace(/\{Q(?:, Q)*\}/g, '{Q…}')
    .replace(/\[Q(?:,Q)*\]/g, '[Q…]')
    .slice(0, 160);

/** The field errors of an aggregated loading message ("[a, b]" or one error); anything else as is. */
function fieldErrors(message: string): string[] {
  const inner = /^\[(.*)\]$/s.exec(message)?.[1] ?? message;
  return inner.split(/, (?=(?:rules\[\d+\]|omitStages\[\d+\])[.:[])/);
}

/**
 * A class key. Loading messages are compared error by error: the class is the
 * blurred errors only one side prints, so the same change in a different mix
 * of other errors is one class. Other answers: both sides, blurred.
 */
export function differenceSignature(d: Difference): string {
  if ((d.kind === 'load-message' || d.kind === 'load-verdict') && typeof d.older === 'string' && typeof d.newer === 'string') {
    const [a, b] = [fieldErrors(d.older), fieldErrors(d.newer)];
    const onlyIn = (x: string[], y: string[]) => [...new Set(x.filter((e) => !y.includes(e)).map(blur))].sort().join(' + ') || '-';
    return `${d.kind} | older only: ${onlyIn(a, b)} | newer only: ${onlyIn(b, a)}`;
  }
  const gist = (v: unknown) => blur(typeof v === 'string' ? v : (JSON.stringify(v) ?? 'undefined'));
  return `${d.kind} | older: ${gist(d.older)} | newer: ${gist(d.newer)}`;
}

export interface DifferentialOptions {
  seed: string;
  cases: number;
  /** Oldest first; each is compared with the next. */
  oracles: ReadonlyArray<{ version: KubeVersion; oracle: Oracle }>;
  batchSize?: number;
}

/** Sends every case to every version's oracle, batch by batch, and compares neighbours. */
export async function runDifferential(options: DifferentialOptions): Promise<PairReport[]> {
  const { oracles } = options;
  const reports: PairReport[] = oracles.slice(1).map((o, i) => ({
    older: oracles[i]!.version,
    newer: o.version,
    cases: 0,
    answers: 0,
    casesDiffering: 0,
    classes: [],
  }));
  const classes = reports.map(() => new Map<string, DifferenceClass>());
  const batchSize = options.batchSize ?? 250;
  for (let from = 0; from < options.cases; from += batchSize) {
    const cases = Array.from({ length: Math.min(batchSize, options.cases - from) }, (_, i) => generateCase(options.seed, from + i));
    const answers = await Promise.all(
      oracles.map(({ oracle }) =>
        Promise.all(cases.map((c) => oracle.conformanceCase(c.policy.text, c.http.map((h) => ({ method: h.method, url: h.url, identity: h.identity })), c.attributes))),
      ),
    );
    cases.forEach((c, ci) => {
      reports.forEach((report, pi) => {
        report.cases++;
        report.answers += 1 + c.http.length + c.attributes.length;
        const found = diffAnswers(c, answers[pi]![ci]!, answers[pi + 1]![ci]!);
        if (found.length > 0) report.casesDiffering++;
        for (const d of found) {
          const signature = differenceSignature(d);
          const seen = classes[pi]!.get(signature);
          if (seen) seen.count++;
          else classes[pi]!.set(signature, { signature, kind: d.kind, count: 1, first: d });
        }
      });
    });
  }
  reports.forEach((r, i) => (r.classes = [...classes[i]!.values()].sort((a, b) => b.count - a.count)));
  return reports;
}
