import { describe, expect, it } from 'vitest';
import { compilePolicy, evaluatePolicy } from '../../../src/audit/policy/checker.js';
import { attributesFromHttp } from '../../../src/request/attributes.js';
import { lint, load } from '../lintFixture.js';

describe('no-catch-all', () => {
  it('reports a policy some requests fall through, with an example', () => {
    const yaml = 'rules:\n- level: Metadata\n  resources:\n  - group: ""\n- level: None\n  nonResourceURLs: ["/healthz*"]\n';
    const findings = lint('no-catch-all', yaml);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ruleIndex: 1, pos: { line: 7 } });
    expect(findings[0].message).toContain('default level None');
    const deployments = attributesFromHttp({ method: 'GET', url: '/apis/apps/v1/deployments', identity: { kind: 'user', name: 'u', groups: [] } });
    expect(evaluatePolicy(compilePolicy(load(yaml).policy), deployments).ruleIndex).toBeNull();
  });

  it('accepts an explicit catch-all, or rules that together match everything', () => {
    expect(lint('no-catch-all', 'rules:\n- level: Metadata\n  verbs: ["get"]\n- level: None\n')).toEqual([]);
    expect(lint('no-catch-all', 'rules:\n- level: Metadata\n  resources:\n  - group: "*"\n- level: None\n  nonResourceURLs: ["*"]\n')).toEqual([]);
  });

  it('does not forget failed authentications, which match no user or group rule', () => {
    const findings = lint('no-catch-all', 'rules:\n- level: Metadata\n  userGroups: ["system:authenticated", "system:unauthenticated"]\n');
    expect(findings).toHaveLength(1);
  });
});
