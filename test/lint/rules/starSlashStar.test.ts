import { describe, expect, it } from 'vitest';
import { compilePolicy, evaluatePolicy } from '../../../src/audit/policy/checker.js';
import { attributesFromHttp } from '../../../src/request/attributes.js';
import { lint, load } from '../lintFixture.js';

const user = { kind: 'user' as const, name: 'alice', groups: [] };

describe('star-slash-star', () => {
  it('reports "*/*", which matches no real request', () => {
    const yaml = `rules:
- level: RequestResponse
  resources:
  - group: ""
    resources: ["*/*"]
- level: None
`;
    const findings = lint('star-slash-star', yaml);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ruleIndex: 0, pos: { line: 6, col: 3 } });
    expect(findings[0].message).toContain('never matches');
    // The checker agrees: neither a resource nor a subresource request reaches rule 0.
    const compiled = compilePolicy(load(yaml).policy);
    for (const url of ['/api/v1/namespaces/a/pods', '/api/v1/namespaces/a/pods/p/log', '/api/v1/nodes/n/status']) {
      expect(evaluatePolicy(compiled, attributesFromHttp({ method: 'GET', url, identity: user })).ruleIndex).toBe(1);
    }
  });

  it('does not report "*" or "pods/*"', () => {
    expect(lint('star-slash-star', 'rules:\n- level: Metadata\n  resources:\n  - group: ""\n    resources: ["*", "pods/*", "*/status"]\n')).toEqual([]);
  });

  it('says the entry still matches when it has other resources', () => {
    const [finding] = lint('star-slash-star', 'rules:\n- level: Metadata\n  resources:\n  - group: ""\n    resources: ["*/*", "pods"]\n');
    expect(finding.message).not.toContain('never matches');
  });
});
