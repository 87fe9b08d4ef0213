import { describe, expect, it } from 'vitest';
import { lint } from '../lintFixture.js';

describe('request-received-logged', () => {
  it('reports logging rules that keep RequestReceived, once, listing them', () => {
    const findings = lint('request-received-logged', 'rules:\n- level: None\n  verbs: ["watch"]\n- level: Request\n  verbs: ["get"]\n- level: Metadata\n');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ruleIndex: 1 });
    expect(findings[0].message).toContain('rules at lines 6, 8');
  });

  it('accepts RequestReceived omitted at the policy level or on every logging rule', () => {
    expect(lint('request-received-logged', 'omitStages: ["RequestReceived"]\nrules:\n- level: Metadata\n')).toEqual([]);
    expect(
      lint('request-received-logged', 'rules:\n- level: None\n- level: Metadata\n  omitStages: ["RequestReceived"]\n'),
    ).toEqual([]);
  });
});
