import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { readPolicy } from '../../src/audit/policy/reader.js';
import { ruleLineRanges } from '../../src/coverage/ruleLines.js';
import { corpusPath } from '../support/corpus.js';

describe('ruleLineRanges', () => {
  test('each rule spans from its list item to its last line, comments inside included', () => {
    const source = [
      'apiVersion: audit.k8s.io/v1', // 1
      'kind: Policy', // 2
      'rules:', // 3
      '  # before the first rule', // 4
      '  - level: None', // 5
      '    # inside', // 6
      '    users: ["a"]', // 7
      '  - level: Metadata', // 8
      '    resources:', // 9
      '    - group: ""', // 10
      '      resources: ["pods"]', // 11
      'omitStages: ["RequestReceived"]', // 12
    ].join('\n');
    expect(ruleLineRanges(source)).toEqual([
      { start: 5, end: 7 },
      { start: 8, end: 11 },
    ]);
  });

  test('JSON policies work too (YAML is a superset)', () => {
    const source = '{\n  "kind": "Policy",\n  "rules": [\n    {"level": "None"},\n    {\n      "level": "Metadata"\n    }\n  ]\n}\n';
    expect(ruleLineRanges(source)).toEqual([
      { start: 4, end: 4 },
      { start: 5, end: 7 },
    ]);
  });

  test('no rules list, no ranges', () => {
    expect(ruleLineRanges('kind: Policy\n')).toEqual([]);
    expect(ruleLineRanges('- just a list\n')).toEqual([]);
  });

  // Every way of writing a policy kube-apiserver loads: the ranges come from
  // the same reader as the rules' positions, so they start where the rules do.
  test.each([
    ['CR-only line ends', 'apiVersion: audit.k8s.io/v1\rkind: Policy\rrules:\r- level: None\r  users: [a]\r\r# gap\r- level: Metadata\r', [{ start: 4, end: 5 }, { start: 8, end: 8 }]],
    ['CRLF line ends', 'apiVersion: audit.k8s.io/v1\r\nkind: Policy\r\nrules:\r\n- level: None\r\n  users:\r\n  - a\r\n- level: Metadata\r\n', [{ start: 4, end: 6 }, { start: 7, end: 7 }]],
    // NEL is a YAML line break but not an editor's: the file is one line, and so are its rules.
    ['NEL line ends', 'apiVersion: audit.k8s.io/v1\u0085kind: Policy\u0085rules:\u0085- level: None\u0085- level: Metadata\u0085', [{ start: 1, end: 1 }, { start: 1, end: 1 }]],
    ['merge keys', 'base: &b\n  rules:\n  - level: None\n    users: [a]\n  - level: Metadata\n<<: *b\napiVersion: audit.k8s.io/v1\nkind: Policy\n', [{ start: 3, end: 4 }, { start: 5, end: 5 }]],
    ['a second YAML document', 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n- level: Metadata\n---\nrules:\n- level: None\n', [{ start: 4, end: 4 }, { start: 5, end: 5 }]],
    [
      'JSON with "rules" twice: the last list',
      '{"apiVersion": "audit.k8s.io/v1", "kind": "Policy",\n "rules": [{"level": "None"}],\n "rules": [\n  {"level": "Metadata",\n   "users": ["a"]}]}\n',
      [{ start: 4, end: 5 }],
    ],
    ['a flow list of flow rules over several lines', 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: None,\n  users: [a]}, {level: Metadata}]\n', [{ start: 3, end: 4 }, { start: 4, end: 4 }]],
  ])('%s', (_, source, expected) => {
    expect(ruleLineRanges(source)).toEqual(expected);
    const loaded = readPolicy(source, { file: 'p' });
    expect(loaded.ok).toBe(true);
    if (loaded.ok) expect(loaded.policy.rules.map((r) => r.pos.line)).toEqual(expected.map((r) => r.start));
  });

  const kubespray = corpusPath('policies/kubespray-default.yaml');
  test.skipIf(!existsSync(kubespray))(`a real policy (skipped without ${kubespray}): ranges are ordered, disjoint and start on "- level" lines`, () => {
    const source = readFileSync(kubespray, 'utf8');
    const lines = source.split('\n');
    const ranges = ruleLineRanges(source);
    expect(ranges.length).toBeGreaterThan(5);
    for (let i = 0; i < ranges.length; i++) {
      expect(lines[ranges[i].start - 1]).toMatch(/^\s*- level:/);
      if (i > 0) expect(ranges[i].start).toBeGreaterThan(ranges[i - 1].end);
    }
  });
});
