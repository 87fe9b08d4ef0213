// Shrinks a mismatching case to a small repro: the one request involved, and
// the policy tree with as many rules, fields and list items removed as still
// leave the same kind of mismatch. Greedy and bounded; each try asks both
// sides again, so the repro shown is a real mismatch, not a guess.

import { compareCase, type Mismatch } from './compare.js';
import type { DocNode } from './generate/document.js';
import type { ConformanceCase } from './generate/case.js';
import type { Oracle } from './oracle/client.js';
import type { Subject } from './subject.js';
import type { HttpRequest, RequestAttributes } from '../src/request/types.js';

/** Every tree with exactly one list item or mapping entry removed, shallow removals first. */
export function* smallerTrees(node: DocNode): Generator<DocNode> {
  if (node.kind === 'seq') {
    for (let i = 0; i < node.items.length; i++) {
      yield { ...node, items: node.items.filter((_, j) => j !== i) };
    }
    for (let i = 0; i < node.items.length; i++) {
      for (const smaller of smallerTrees(node.items[i])) {
        yield { ...node, items: node.items.map((item, j) => (j === i ? smaller : item)) };
      }
    }
  } else if (node.kind === 'map') {
    for (let i = 0; i < node.entries.length; i++) {
      yield { ...node, entries: node.entries.filter((_, j) => j !== i) };
    }
    for (let i = 0; i < node.entries.length; i++) {
      const [key, value] = node.entries[i];
      for (const smaller of smallerTrees(value)) {
        yield { ...node, entries: node.entries.map((e, j): [string, DocNode] => (j === i ? [key, smaller] : e)) };
      }
    }
  }
}

export interface ShrunkRepro {
  policyText: string;
  mismatch: Mismatch;
  /** How many candidate policies were tried. */
  tries: number;
}

/** A case holding only the mismatching request (or none, for loader mismatches). */
function narrowed(c: ConformanceCase, m: Mismatch, policyText: string): ConformanceCase {
  const isHttp = m.kind === 'resolve-verdict' || m.kind === 'resolve-message' || m.kind === 'resolve-info' || m.kind === 'attributes' || m.kind === 'decision-http';
  const isAttr = m.kind === 'decision-attributes';
  const crashHttp = m.kind === 'crash' && m.request !== undefined && 'method' in m.request;
  const crashAttr = m.kind === 'crash' && m.request !== undefined && !('method' in m.request);
  return {
    ...c,
    policy: { ...c.policy, text: policyText },
    http: isHttp || crashHttp ? [m.request as HttpRequest] : [],
    attributes: isAttr || crashAttr ? [m.request as RequestAttributes] : [],
  };
}

async function reproduces(
  c: ConformanceCase,
  m: Mismatch,
  policyText: string,
  oracle: Oracle,
  subject: Subject,
): Promise<Mismatch | undefined> {
  const small = narrowed(c, m, policyText);
  const answer = await oracle.conformanceCase(small.policy.text, small.http.map((h) => ({ method: h.method, url: h.url, identity: h.identity })), small.attributes);
  return compareCase(small, answer, subject).find((x) => similar(x, m));
}

/** Same kind of mismatch on the same fields, and upstream says the same thing up to line numbers. */
function similar(a: Mismatch, b: Mismatch): boolean {
  if (a.kind !== b.kind || a.fields.join() !== b.fields.join()) return false;
  if (typeof a.upstream === 'string' && typeof b.upstream === 'string') {
    const gist = (s: string) => s.replace(/\d+/g, 'N');
    return gist(a.upstream) === gist(b.upstream);
  }
  return true;
}

export async function shrinkMismatch(
  c: ConformanceCase,
  m: Mismatch,
  oracle: Oracle,
  subject: Subject,
  maxTries = 400,
): Promise<ShrunkRepro> {
  let best: ShrunkRepro = { policyText: c.policy.text, mismatch: { ...m, requestIndex: 0 }, tries: 0 };
  const first = await reproduces(c, m, c.policy.text, oracle, subject);
  if (first) best = { ...best, mismatch: first };
  let doc = c.policy.doc;
  if (!first) return best;
  if (!doc) return shrinkLines(c, m, best, oracle, subject, maxTries);
  let tries = 0;
  let progress = true;
  while (progress && tries < maxTries) {
    progress = false;
    for (const candidate of smallerTrees(doc)) {
      if (++tries > maxTries) break;
      const text = c.policy.render(candidate);
      const found = await reproduces(c, m, text, oracle, subject);
      if (found) {
        doc = candidate;
        best = { policyText: text, mismatch: found, tries };
        progress = true;
        break;
      }
    }
  }
  return { ...best, tries };
}

/** For text that is no tree (broken on purpose): drop lines while the mismatch stays. */
async function shrinkLines(
  c: ConformanceCase,
  m: Mismatch,
  start: ShrunkRepro,
  oracle: Oracle,
  subject: Subject,
  maxTries: number,
): Promise<ShrunkRepro> {
  let best = start;
  let lines = c.policy.text.split('\n');
  let tries = 0;
  let progress = true;
  while (progress && tries < maxTries) {
    progress = false;
    for (let i = 0; i < lines.length && tries < maxTries; i++) {
      tries++;
      const candidate = lines.filter((_, j) => j !== i);
      const text = candidate.join('\n');
      const found = await reproduces(c, m, text, oracle, subject);
      if (found) {
        lines = candidate;
        best = { policyText: text, mismatch: found, tries };
        progress = true;
        break;
      }
    }
  }
  return { ...best, tries };
}
