// YAML syntax judged by upstream: go/oracle (LoadPolicyFromBytes itself) is
// asked about every case of yamlSyntaxCases.ts and about 1500 generated
// variants of real policies (stray indicators, tabs, quotes, anchors), and our
// loader must give the same verdict and message for each.
//
// Generative, and a Go round trip per text (behind an oracle that takes minutes
// to build on a cold Go cache): part of the conformance step
// (`npx vitest run --project conformance`, run by .ci/run), not of `npm test`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Oracle } from '../../../conformance/oracle/index.js';
import { readPolicy } from '../../../src/audit/policy/reader.js';
import { canRunOracle, NO_ORACLE, ORACLE_START_TIMEOUT } from '../../conformance/support.js';
import { corpusPath } from '../../support/corpus.js';
import { ACCEPTED, H, REFUSED } from './yamlSyntaxCases.js';

/** A small deterministic generator (no Math.random: failures must replay). */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff;
    return s / 0x80000000;
  };
}

/** Edits people (and bad templating) make: stray indicators, tabs, quotes, breaks, anchors. */
const EDITS = ['-', ':', ' ', '  ', '\t', '\n', '*', '&', '!', '[', ']', '{', '}', ',', '"', "'", '#', '|', '>', '%', '?', '\r', '\\', '- ', ': ', '*/scale', '&a', '*a', '<<', '---', '...', '!!str', '\u007f', '\ufeff'];

function mutations(bases: string[], count: number, seed: number): string[] {
  const r = random(seed);
  const pick = <T>(a: T[]): T => a[Math.floor(r() * a.length)];
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let t = pick(bases);
    for (let k = 1 + Math.floor(r() * 3); k > 0; k--) {
      const p = Math.floor(r() * (t.length + 1));
      const choice = r();
      if (choice < 0.5) t = t.slice(0, p) + pick(EDITS) + t.slice(p);
      else if (choice < 0.75) t = t.slice(0, p) + t.slice(p + 1 + Math.floor(r() * 3));
      else t = t.slice(0, p) + pick(EDITS) + t.slice(p + 1);
    }
    out.push(t);
  }
  return out;
}

/** The shared corpus adds real-world shapes when present; the two policies above suffice without it. */
const CORPUS = corpusPath('policies/');

function basePolicies(): string[] {
  const bases = [
    `${H}rules:\n- level: Metadata\n  resources:\n  - group: ""\n    resources: ["pods", "pods/log"]\n  users: [system:admin]\n- level: None\n  nonResourceURLs:\n  - /healthz*\n`,
    `${H}omitStages: [RequestReceived]\nrules:\n  - level: Request\n    verbs: ["get", "list"]\n    namespaces: &ns [kube-system]\n  - level: None\n    namespaces: *ns\n`,
  ];
  if (existsSync(CORPUS)) {
    for (const name of readdirSync(CORPUS).filter((n) => n.endsWith('.yaml')).sort()) {
      // A window of each corpus policy keeps the cases small enough to read when one fails.
      const lines = readFileSync(join(CORPUS, name), 'utf8').split('\n');
      bases.push(`${lines.slice(0, 40).join('\n')}\n`);
    }
  }
  return bases;
}

describe.skipIf(!canRunOracle)(`YAML syntax judged by upstream${canRunOracle ? '' : ` (${NO_ORACLE})`}`, () => {
  let oracle: Oracle;
  beforeAll(async () => {
    oracle = await Oracle.start();
  }, ORACLE_START_TIMEOUT);
  afterAll(async () => {
    await oracle?.close();
  });

  async function upstreamVerdict(text: string): Promise<string> {
    const answer = await oracle.load(text);
    return answer.ok ? 'loads' : answer.error;
  }

  function ourVerdict(text: string): string {
    const result = readPolicy(text);
    return result.ok ? 'loads' : result.error.reason;
  }

  it('the expectations above are upstream answers', async () => {
    for (const [what, text, message] of REFUSED) expect(await upstreamVerdict(text), what).toBe(`failed decoding: ${message}`);
    for (const [what, text, message] of ACCEPTED) expect(await upstreamVerdict(text), what).toBe(message);
  });

  it('mistyped policies load or fail exactly as upstream says', async () => {
    const texts = mutations(basePolicies(), 1500, 20260);
    const differences: { text: string; ours: string; upstream: string }[] = [];
    for (const text of texts) {
      const upstream = await upstreamVerdict(text);
      const ours = ourVerdict(text);
      if (ours !== upstream) differences.push({ text, ours, upstream });
    }
    expect(differences.slice(0, 3)).toEqual([]);
  }, 120_000);
});
