// Broken YAML is refused with kube-apiserver's own message (go-yaml v2's
// libyaml port, reproduced in src/go/yaml/scanner, parser and nodes).
//
// The cases (yamlSyntaxCases.ts) were read from upstream; yamlSyntax.conformance.ts
// asks go/oracle (upstream's loader itself) about the same texts and about
// generated variants, so an expectation copied wrong cannot hide. That check
// builds and queries Go, so it runs in the conformance step, not in npm test.

import { describe, expect, it } from 'vitest';
import { readPolicy } from '../../../src/audit/policy/reader.js';
import { yamlToJson, YamlToJsonError } from '../../../src/go/yaml/toJson.js';
import { ACCEPTED, REFUSED } from './yamlSyntaxCases.js';

describe('YAML syntax errors carry go-yaml v2 message and line', () => {
  it.each(REFUSED)('%s', (_what, text, upstream) => {
    const result = readPolicy(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.reason).toBe(`failed decoding: ${upstream}`);
  });

  it.each(ACCEPTED)('%s', (_what, text, upstream) => {
    const result = readPolicy(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.reason).toBe(upstream);
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
