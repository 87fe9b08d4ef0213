import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
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
