import { describe, expect, it } from 'vitest';
import { compilePolicy, firstMatchingRule } from '../../../src/audit/policy/checker.js';
import { attributesFromHttp } from '../../../src/request/attributes.js';
import type { Identity } from '../../../src/request/types.js';
import { lint, load } from '../lintFixture.js';

const alice: Identity = { kind: 'user', name: 'alice', groups: ['dev'] };
const decidedBy = (yaml: string, method: string, url: string, identity: Identity = alice) =>
  firstMatchingRule(compilePolicy(load(yaml).policy), attributesFromHttp({ method, url, identity }));

describe('shadowed-rule', () => {
  it('reports a rule an earlier rule fully covers, naming it', () => {
    const yaml = `rules:
- level: None
  resources:
  - group: ""
- level: RequestResponse
  verbs: ["get"]
  resources:
  - group: ""
    resources: ["pods"]
`;
    const findings = lint('shadowed-rule', yaml);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ruleIndex: 1, pos: { line: 7 } });
    expect(findings[0].message).toContain('the rule at line 4 (level None)');
    expect(decidedBy(yaml, 'GET', '/api/v1/namespaces/a/pods/p')).toBe(0);
  });

  it('reports a rule covered only by several earlier rules together', () => {
    const yaml = 'rules:\n- level: None\n  verbs: ["get"]\n- level: None\n  verbs: ["list", "watch"]\n- level: Metadata\n  verbs: ["get", "list"]\n';
    const [finding] = lint('shadowed-rule', yaml);
    expect(finding.ruleIndex).toBe(2);
    expect(finding.message).toContain('the rules at lines 4, 6 together');
  });

  it('knows "pods/*" covers pods itself, and group "*" every group', () => {
    const yaml = `rules:
- level: None
  resources:
  - group: "*"
    resources: ["pods/*"]
- level: Metadata
  resources:
  - group: ""
    resources: ["pods", "pods/log"]
`;
    expect(lint('shadowed-rule', yaml)).toHaveLength(1);
    expect(decidedBy(yaml, 'GET', '/api/v1/namespaces/a/pods')).toBe(0);
  });

  it('knows non-resource prefixes', () => {
    const yaml = 'rules:\n- level: None\n  nonResourceURLs: ["/api*"]\n- level: Metadata\n  nonResourceURLs: ["/apis", "/api/v1", "/api*"]\n';
    expect(lint('shadowed-rule', yaml)).toHaveLength(1);
  });

  it('knows every authenticated user but system:anonymous is in system:authenticated or system:unauthenticated', () => {
    const yaml = `rules:
- level: None
  userGroups: ["system:authenticated"]
- level: None
  userGroups: ["system:unauthenticated"]
- level: Metadata
  users: ["alice"]
- level: Metadata
`;
    const findings = lint('shadowed-rule', yaml);
    // alice always carries one of the two groups; the last rule still gets failed authentications.
    expect(findings.map((f) => f.ruleIndex)).toEqual([2]);
    expect(decidedBy(yaml, 'GET', '/api/v1/pods', alice)).toBe(0);
    expect(decidedBy(yaml, 'GET', '/api/v1/pods', { kind: 'failed-authentication' })).toBe(3);
  });

  it('does not report partial overlaps', () => {
    const yaml = `rules:
- level: None
  verbs: ["get"]
  resources:
  - group: ""
    resources: ["pods"]
- level: Metadata
  resources:
  - group: ""
    resources: ["pods"]
- level: Request
  verbs: ["get"]
`;
    expect(lint('shadowed-rule', yaml)).toEqual([]);
    expect(decidedBy(yaml, 'GET', '/api/v1/namespaces/a/pods')).toBe(1);
  });

  it('does not call a rule that can match nothing shadowed', () => {
    const yaml = 'rules:\n- level: None\n  resources:\n  - group: ""\n- level: Metadata\n  verbs: ["post"]\n  resources:\n  - group: ""\n';
    expect(lint('shadowed-rule', yaml)).toEqual([]);
  });
});
