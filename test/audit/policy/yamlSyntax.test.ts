// Broken YAML is refused with kube-apiserver's own message (go-yaml v2's
// libyaml port, reproduced in goYamlScanner/goYamlParser/goYamlNodes).
//
// The expected texts below were read from upstream: sigs.k8s.io/yaml v1.6.0
// YAMLToJSON over go.yaml.in/yaml/v2 v2.4.3, which LoadPolicyFromBytes
// (k8s.io/apiserver v0.36.4) reports as "failed decoding: <error>". The second
// half asks go/oracle (upstream's loader itself) about the same files and
// about generated variants, so an expectation copied wrong cannot hide.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Oracle } from '../../../conformance/oracle/index.js';
import { readPolicy } from '../../../src/audit/policy/reader.js';
import { yamlToJson, YamlToJsonError } from '../../../src/audit/policy/yamlToJson.js';
import { canRunOracle, NO_ORACLE, ORACLE_START_TIMEOUT } from '../../conformance/support.js';

const H = 'apiVersion: audit.k8s.io/v1\nkind: Policy\n';

/** [what, policy text, upstream's load error]. */
const REFUSED: [string, string, string][] = [
  // An unquoted `*` starts an alias, whose name may only be [0-9A-Za-z_-]+ followed by a blank or indicator.
  ['an unquoted */scale subresource', `${H}rules:\n- level: Metadata\n  resources:\n  - group: apps\n    resources:\n    - */scale\n`, 'yaml: line 8: did not find expected alphabetic or numeric character'],
  ['an unquoted ** in a flow sequence', `${H}rules:\n- level: Metadata\n  resources:\n  - group: ""\n    resources: [**]\n`, 'yaml: line 7: did not find expected alphabetic or numeric character'],
  ['an unquoted */status in a flow sequence', `${H}rules:\n- level: Metadata\n  resources:\n  - resources: [*/status]\n`, 'yaml: line 6: did not find expected alphabetic or numeric character'],
  ['an unquoted lone *', `${H}rules:\n- level: Metadata\n  users:\n  - *\n`, 'yaml: line 6: did not find expected alphabetic or numeric character'],
  ['an anchor name that is not alphanumeric', `${H}rules:\n- &/x level: Metadata\n`, 'yaml: line 4: did not find expected alphabetic or numeric character'],
  // Parser errors name the line before the token (0-based mark); the end of input counts as a line.
  ['a flow sequence left open at the end', `${H}rules: [\n`, 'yaml: line 3: did not find expected node content'],
  ['a flow sequence left open, no final newline', `${H}rules: [`, 'yaml: line 3: did not find expected node content'],
  ['a block sequence inside an open flow sequence', `${H}rules: [\n- level: None\n`, 'yaml: line 3: did not find expected node content'],
  ['an unterminated quote inside a flow sequence', `${H}rules:\n- userGroups: [", system:unauthenticated]\n- level: "Request"\n`, "yaml: line 4: did not find expected ',' or ']'"],
  // Tabs: refused where libyaml expects indentation, with three different messages.
  ['a tab indenting a key after a plain scalar', `${H}rules:\n- level: Metadata\n\tuserGroups: ["*"]\n`, 'yaml: line 5: found a tab character that violates indentation'],
  ['a tab in a plain scalar continuation line', `${H}rules:\n- level: Metadata\n  verbs: get\n\t  list\n`, 'yaml: line 6: found a tab character that violates indentation'],
  ['a tab indenting a block scalar line', `${H}rules:\n- level: |\n    Metadata\n\t  x\n`, 'yaml: line 6: found a tab character where an indentation space is expected'],
  ['a tab before a dash', `${H}rules:\n\t- level: Metadata\n`, 'yaml: line 4: found character that cannot start any token'],
  // go-yaml fails on an unknown alias while parsing, so whichever comes first wins.
  ['an unknown alias before a syntax error', `${H}rules:\n  - resources:\n      - resources: [*pods]\n  - namespaces:\n      - *\n`, "yaml: unknown anchor 'pods' referenced"],
  ['a syntax error before an unknown alias', `${H}rules:\n  - namespaces:\n      - *\n  - resources:\n      - resources: [*pods]\n`, 'yaml: line 5: did not find expected alphabetic or numeric character'],
  // libyaml decodes 512 bytes at a time and refuses a control character as soon as its chunk is decoded.
  ['a control character', `${H}rules:\n- level: Metadata\n  users: ["a\u007fb"]\n`, 'yaml: control characters are not allowed'],
  ['a control character in the same chunk as an earlier syntax error', `${H}rules:\n- level: Metadata\n users: [a]\n- users: ["\u0001"]\n`, 'yaml: control characters are not allowed'],
  ['a control character a chunk after a syntax error', `${H}rules:\n- level: Metadata\n users: [a]\n${'#'.repeat(600)}\n- users: ["\u0001"]\n`, 'yaml: line 4: did not find expected key'],
  ['a nested mapping value', `${H}rules:\n- level: Metadata\n  verbs: get: list\n`, 'yaml: line 5: mapping values are not allowed in this context'],
  ['a key indented less than its siblings', `${H}rules:\n- level: Metadata\n users: [a]\n`, 'yaml: line 4: did not find expected key'],
  ['a dash indented less than its siblings', `${H}rules:\n- level: Metadata\n  verbs:\n  - get\n - list\n`, 'yaml: line 6: did not find expected key'],
  ['a stray colon', `${H}rules:\n- level: Metadata\n  : users\n`, 'yaml: line 4: did not find expected key'],
  ['a key split over two lines', `${H}rules:\n- level\n  : Metadata\n`, 'yaml: line 4: did not find expected key'],
];

/** YAML other parsers refuse but go-yaml reads: [what, policy text, upstream's load error]. */
const ACCEPTED: [string, string, string][] = [
  ['a first line indented deeper than the rest (one mapping)', '  bad indentation: x\nrules: null\n', 'unknown group version field audit.k8s.io/__internal, Kind=Policy in policy'],
  ['a quoted scalar continued at column 0', `${H}rules:\n- level: "Meta\ndata"\n`, 'rules[0].level: Unsupported value: "Meta data": supported values: "None", "Metadata", "Request", "RequestResponse"'],
];

describe('YAML syntax errors carry go-yaml v2 message and line', () => {
  it.each(REFUSED)('%s', (_what, text, upstream) => {
    const result = readPolicy(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toBe(`failed decoding: ${upstream}`);
  });

  it.each(ACCEPTED)('%s', (_what, text, upstream) => {
    const result = readPolicy(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toBe(upstream);
  });

  it('points at the problem', () => {
    const error = (() => {
      try {
        yamlToJson('a: 1\nb: [*/x]\n');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(YamlToJsonError);
    expect((error as YamlToJsonError).loc).toEqual({ line: 2, col: 6 });
  });

  it('reads nesting as deep as libyaml allows, and refuses one level more with its error', () => {
    expect(() => yamlToJson('['.repeat(10001))).toThrow('yaml: exceeded max depth of 10000');
    expect(() => yamlToJson(`${'['.repeat(10000)}\n`)).toThrow('yaml: line 1: did not find expected node content');
  });
});

// --- judged by upstream -------------------------------------------------------

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
const CORPUS = fileURLToPath(new URL('../../../../shared/corpus/policies/', import.meta.url));

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
    return result.ok ? 'loads' : result.error.message;
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
