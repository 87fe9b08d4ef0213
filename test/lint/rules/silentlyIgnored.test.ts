import { describe, expect, it } from 'vitest';
import { compilePolicy, evaluatePolicy } from '../../../src/audit/policy/checker.js';
import { attributesFromHttp } from '../../../src/request/attributes.js';
import { lint, load } from '../lintFixture.js';

describe('silently-ignored', () => {
  it('reports a mistyped rule field with what dropping it means', () => {
    const yaml = 'rules:\n- level: None\n  verb: ["get"]\n- level: Metadata\n';
    const [finding] = lint('silently-ignored', yaml);
    expect(finding).toMatchObject({ ruleIndex: 0, pos: { line: 5, col: 3 } });
    expect(finding.message).toContain('"verb"');
    expect(finding.message).toContain('matches every verb');
    // kube-apiserver indeed applies rule 0 to every verb.
    const post = attributesFromHttp({ method: 'POST', url: '/api/v1/namespaces/a/pods', identity: { kind: 'user', name: 'u', groups: [] } });
    expect(evaluatePolicy(compilePolicy(load(yaml).policy), post).ruleIndex).toBe(0);
  });

  it('reports repeated keys and attributes policy-level keys to no rule', () => {
    const findings = lint('silently-ignored', 'rules:\n- level: None\n  verbs: ["get"]\n  verbs: ["list"]\nomitStage: ["RequestReceived"]\n');
    expect(findings).toHaveLength(2);
    expect(findings[0]).toMatchObject({ ruleIndex: 0, message: expect.stringContaining('(duplicate-key)') });
    expect(findings[1].ruleIndex).toBeUndefined();
  });

  it('reports nothing for a clean policy', () => {
    expect(lint('silently-ignored', 'rules:\n- level: None\n  verbs: ["get"]\n')).toEqual([]);
  });
});
