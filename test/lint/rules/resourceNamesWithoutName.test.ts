import { describe, expect, it } from 'vitest';
import { compilePolicy, firstMatchingRule } from '../../../src/audit/policy/checker.js';
import { attributesFromHttp } from '../../../src/request/attributes.js';
import { lint, load } from '../lintFixture.js';

const identity = { kind: 'user' as const, name: 'u', groups: [] };
const policy = (verbs: string, resources = '["configmaps"]') =>
  `rules:\n- level: None\n  verbs: ${verbs}\n  resources:\n  - group: ""\n    resources: ${resources}\n    resourceNames: ["cfg"]\n- level: Metadata\n`;

describe('resource-names-never-named', () => {
  it('reports deletecollection, which never has a name', () => {
    const findings = lint('resource-names-never-named', policy('["deletecollection"]'));
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain('deletecollection request never has a name');
    // kube-apiserver: a DELETE on the collection has no name whatever the selector says.
    const compiled = compilePolicy(load(policy('["deletecollection"]')).policy);
    const attrs = attributesFromHttp({ method: 'DELETE', url: '/api/v1/namespaces/a/configmaps?fieldSelector=metadata.name%3Dcfg', identity });
    expect(attrs.verb).toBe('deletecollection');
    expect(firstMatchingRule(compiled, attrs)).toBe(1);
  });

  it('reports create of a resource itself (the new object is named in the body)', () => {
    const findings = lint('resource-names-never-named', policy('["create"]'));
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain('named in the body');
  });

  it('does not report create on a subresource of a named object', () => {
    const yaml = policy('["create"]', '["pods/eviction"]');
    expect(lint('resource-names-never-named', yaml)).toEqual([]);
    const compiled = compilePolicy(load(yaml).policy);
    const eviction = attributesFromHttp({ method: 'POST', url: '/api/v1/namespaces/a/pods/cfg/eviction', identity });
    expect(firstMatchingRule(compiled, eviction)).toBe(0);
  });

  it('does not report list and watch, which can select one name', () => {
    const yaml = policy('["list", "watch"]');
    expect(lint('resource-names-never-named', yaml)).toEqual([]);
    const compiled = compilePolicy(load(yaml).policy);
    for (const url of ['/api/v1/namespaces/a/configmaps?fieldSelector=metadata.name%3Dcfg', '/api/v1/namespaces/a/configmaps?watch=1&fieldSelector=metadata.name%3Dcfg']) {
      expect(firstMatchingRule(compiled, attributesFromHttp({ method: 'GET', url, identity }))).toBe(0);
    }
  });

  it('does not report rules without verbs or without resourceNames', () => {
    expect(lint('resource-names-never-named', policy('[]'))).toEqual([]);
    expect(lint('resource-names-never-named', 'rules:\n- level: None\n  verbs: ["deletecollection"]\n  resources:\n  - group: ""\n    resources: ["pods"]\n')).toEqual([]);
  });
});
