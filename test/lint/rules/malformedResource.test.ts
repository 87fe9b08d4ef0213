import { describe, expect, it } from 'vitest';
import { lint } from '../lintFixture.js';

const policy = (resources: string) => `rules:\n- level: None\n  resources:\n  - group: ""\n    resources: ${resources}\n`;

describe('malformed-resource', () => {
  it.each([
    ['"pods/log/x"', 'one path segment'],
    ['"pods/"', 'one path segment'],
    ['"/log"', 'one path segment'],
    ['""', 'empty'],
    ['"Pods"', '"pods", not "Pods"'],
    ['"Pods/Log"', 'lower case'],
  ])('reports %s', (resource, text) => {
    const findings = lint('malformed-resource', policy(`[${resource}]`));
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain(text);
  });

  it('accepts every pattern form checker.go knows', () => {
    expect(lint('malformed-resource', policy('["pods", "pods/log", "pods/*", "*/status", "*", "*/*"]'))).toEqual([]);
  });
});
