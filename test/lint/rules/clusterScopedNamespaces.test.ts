import { describe, expect, it } from 'vitest';
import { compilePolicy, firstMatchingRule } from '../../../src/audit/policy/checker.js';
import { attributesFromHttp } from '../../../src/request/attributes.js';
import { lint, load } from '../lintFixture.js';

const identity = { kind: 'user' as const, name: 'u', groups: [] };
const rule = (namespaces: string, resources: string) =>
  `rules:\n- level: None\n  namespaces: ${namespaces}\n  resources:\n${resources}- level: Metadata\n`;

describe('namespaces-on-cluster-scoped', () => {
  it('reports a rule whose resources are all cluster-scoped', () => {
    const yaml = rule('["kube-system"]', '  - group: ""\n    resources: ["nodes", "nodes/status"]\n  - group: rbac.authorization.k8s.io\n    resources: ["clusterroles"]\n');
    const findings = lint('namespaces-on-cluster-scoped', yaml);
    expect(findings).toHaveLength(2);
    expect(findings[0].message).toContain('this rule never matches');
    const compiled = compilePolicy(load(yaml).policy);
    for (const url of ['/api/v1/nodes/n1', '/api/v1/nodes/n1/status', '/apis/rbac.authorization.k8s.io/v1/clusterroles/admin']) {
      expect(firstMatchingRule(compiled, attributesFromHttp({ method: 'GET', url, identity }))).toBe(1);
    }
  });

  it('reports only the cluster-scoped entry when others are namespaced', () => {
    const findings = lint('namespaces-on-cluster-scoped', rule('["prod"]', '  - group: ""\n    resources: ["pods"]\n  - group: ""\n    resources: ["persistentvolumes"]\n'));
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain('this entry never matches');
    expect(findings[0].pos.line).toBe(9); // the persistentvolumes entry
  });

  it('does not report namespaces themselves: a Namespace request carries its own name as namespace', () => {
    const yaml = rule('["prod"]', '  - group: ""\n    resources: ["namespaces", "namespaces/status"]\n');
    expect(lint('namespaces-on-cluster-scoped', yaml)).toEqual([]);
    const attrs = attributesFromHttp({ method: 'GET', url: '/api/v1/namespaces/prod', identity });
    expect(firstMatchingRule(compilePolicy(load(yaml).policy), attrs)).toBe(0);
  });

  it('does not report when namespaces include "", nor unknown or wildcard resources', () => {
    expect(lint('namespaces-on-cluster-scoped', rule('["", "prod"]', '  - group: ""\n    resources: ["nodes"]\n'))).toEqual([]);
    expect(lint('namespaces-on-cluster-scoped', rule('["prod"]', '  - group: example.com\n    resources: ["widgets"]\n'))).toEqual([]);
    expect(lint('namespaces-on-cluster-scoped', rule('["prod"]', '  - group: ""\n    resources: ["*"]\n'))).toEqual([]);
    expect(lint('namespaces-on-cluster-scoped', rule('["prod"]', '  - group: "*"\n    resources: ["nodes"]\n'))).toEqual([]);
  });
});
