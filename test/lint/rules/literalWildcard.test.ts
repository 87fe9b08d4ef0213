import { describe, expect, it } from 'vitest';
import { compilePolicy, firstMatchingRule } from '../../../src/audit/policy/checker.js';
import { attributesFromHttp } from '../../../src/request/attributes.js';
import { lint, load } from '../lintFixture.js';

describe('literal-wildcard', () => {
  it('reports "*" where checker.go compares literally', () => {
    const yaml = `rules:
- level: None
  users: ["*"]
  userGroups: ["system:serviceaccounts:*"]
  verbs: ["*"]
  namespaces: ["kube-*"]
  resources:
  - group: ""
    resources: ["pods"]
    resourceNames: ["*"]
- level: Metadata
`;
    const findings = lint('literal-wildcard', yaml);
    expect(findings.map((f) => f.message.split(' ')[0])).toEqual(['users', 'userGroups', 'verbs', 'namespaces', 'resourceNames']);
    expect(findings[0].message).toContain('Omit users');
    const compiled = compilePolicy(load(yaml).policy);
    const attrs = attributesFromHttp({
      method: 'GET',
      url: '/api/v1/namespaces/kube-system/pods/web',
      identity: { kind: 'user', name: 'alice', groups: ['system:serviceaccounts:kube-system'] },
    });
    expect(firstMatchingRule(compiled, attrs)).toBe(1);
  });

  it('does not report the fields that do have wildcards', () => {
    expect(lint('literal-wildcard', 'rules:\n- level: None\n  resources:\n  - group: "*"\n    resources: ["*", "*/status"]\n- level: None\n  nonResourceURLs: ["/api*", "*"]\n')).toEqual([]);
  });
});
