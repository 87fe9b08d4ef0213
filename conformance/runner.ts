// Streams generated cases through one oracle process and compares each with
// auditspec's answers. The oracle works on the next batch while this process
// compares the current one, so both cores stay busy.

import { compareCase, type Mismatch, type MismatchKind } from './compare.js';
import { generateCase, type CaseGenOptions, type ConformanceCase } from './generate/case.js';
import type { Oracle } from './oracle/client.js';
import type { OracleCaseAnswer } from './oracle/protocol.js';
import type { Subject } from './subject.js';

export interface RunOptions extends CaseGenOptions {
  seed: string;
  /** Number of cases, indices 0..cases-1 (ignored with `only`). */
  cases: number;
  /** Run just these case indices. */
  only?: number[];
  batchSize?: number;
  /** Mismatches kept in full (the rest are only counted). */
  keep?: number;
  oracle: Oracle;
  subject: Subject;
  onProgress?: (done: number, total: number) => void;
}

export interface RunResult {
  cases: number;
  mismatchCount: number;
  /** The first `keep` mismatches, in case order. */
  mismatches: Mismatch[];
  byKind: Partial<Record<MismatchKind, number>>;
  /** Cases whose policy upstream accepted. */
  acceptedPolicies: number;
  /** Requests compared: HTTP requests and attribute requests. */
  requests: number;
  /** The generated cases behind the kept mismatches, by index (for shrinking). */
  casesByIndex: Map<number, ConformanceCase>;
  /** How many mismatches share each signature (see mismatchSignature). */
  signatures: Map<string, { count: number; first: Mismatch }>;
}

/** A short grouping key: kind, fields, and both answers with names and numbers blurred. */
export function mismatchSignature(m: Mismatch): string {
  const gist = (v: unknown) =>
    (typeof v === 'string' ? v : '')
      .replace(/"[^"]*"|'[^']*'/g, 'Q')
      .replace(/\d+/g, 'N')
      .slice(0, 120);
  return `${m.kind} [${m.fields.join(',')}] ours: ${gist(m.ours)} | upstream: ${gist(m.upstream)}`;
}

type Batch = Array<{ c: ConformanceCase; answer: Promise<OracleCaseAnswer> }>;

function sendBatch(oracle: Oracle, cases: ConformanceCase[]): Batch {
  return cases.map((c) => ({
    c,
    answer: oracle.conformanceCase(
      c.policy.text,
      c.http.map((h) => ({ method: h.method, url: h.url, identity: h.identity })),
      c.attributes,
    ),
  }));
}

export async function runConformance(options: RunOptions): Promise<RunResult> {
  const indices = options.only ?? Array.from({ length: options.cases }, (_, i) => i);
  const batchSize = options.batchSize ?? 250;
  const keep = options.keep ?? 50;
  const result: RunResult = {
    cases: indices.length,
    mismatchCount: 0,
    mismatches: [],
    byKind: {},
    acceptedPolicies: 0,
    requests: 0,
    casesByIndex: new Map(),
    signatures: new Map(),
  };
  const generate = (from: number) =>
    indices.slice(from, from + batchSize).map((i) => generateCase(options.seed, i, options));

  let next: Batch | null = indices.length > 0 ? sendBatch(options.oracle, generate(0)) : null;
  let done = 0;
  for (let from = 0; next; from += batchSize) {
    const current = next;
    next = from + batchSize < indices.length ? sendBatch(options.oracle, generate(from + batchSize)) : null;
    for (const { c, answer } of current) {
      const upstream = await answer;
      if (upstream.load.ok) result.acceptedPolicies++;
      result.requests += c.http.length + c.attributes.length;
      for (const m of compareCase(c, upstream, options.subject)) {
        result.mismatchCount++;
        result.byKind[m.kind] = (result.byKind[m.kind] ?? 0) + 1;
        const signature = mismatchSignature(m);
        const seen = result.signatures.get(signature);
        if (seen) seen.count++;
        else result.signatures.set(signature, { count: 1, first: m });
        if (result.mismatches.length < keep) {
          result.mismatches.push(m);
          result.casesByIndex.set(c.index, c);
        }
      }
    }
    done += current.length;
    options.onProgress?.(done, indices.length);
  }
  return result;
}
