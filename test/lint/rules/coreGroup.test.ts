import { describe, expect, it } from 'vitest';
import { compilePolicy, evaluatePolicy } from '../../../src/audit/policy/checker.js';
import { attributesFromHttp } from '../../../src/request/attributes.js';
import { lint, load } from '../lintFixture.js';

describe('core-group', () => {
  it('reports group "core", which kube-apiserver loads but which is not the core group', () => {
    const yaml = 'rules:\n- level: None\n  resources:\n  - group: core\n    resources: ["pods"]\n- level: Metadata\n';
    const findings = lint('core-group', yaml);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ruleIndex: 0, pos: { line: 6, col: 3 } });
    expect(findings[0].message).toContain('group: ""');
    const pods = attributesFromHttp({ method: 'GET', url: '/api/v1/namespaces/a/pods', identity: { kind: 'user', name: 'u', groups: [] } });
    expect(evaluatePolicy(compilePolicy(load(yaml).policy), pods).ruleIndex).toBe(1);
  });

  it('accepts "" and real groups', () => {
    expect(lint('core-group', 'rules:\n- level: None\n  resources:\n  - group: ""\n  - group: apps\n  - resources: ["pods"]\n')).toEqual([]);
  });
});
