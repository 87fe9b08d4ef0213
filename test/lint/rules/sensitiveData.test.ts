import { describe, expect, it } from 'vitest';
import { compilePolicy, evaluatePolicy } from '../../../src/audit/policy/checker.js';
import { attributesFromHttp } from '../../../src/request/attributes.js';
import { lint, load } from '../lintFixture.js';

const alice = { kind: 'user' as const, name: 'alice', groups: [] };
const resourcesOf = (findings: { message: string }[]) => findings.map((f) => f.message.split(' ')[0]).sort();

describe('sensitive-data-logged', () => {
  it('reports every sensitive resource a catch-all logs with bodies', () => {
    const findings = lint('sensitive-data-logged', 'rules:\n- level: RequestResponse\n');
    expect(resourcesOf(findings)).toEqual(['configmaps', 'secrets', 'serviceaccounts/token', 'tokenreviews']);
  });

  it('sees through group "*" and resource wildcards', () => {
    const yaml = 'rules:\n- level: Request\n  resources:\n  - group: "*"\n    resources: ["secrets"]\n';
    const [finding] = lint('sensitive-data-logged', yaml);
    expect(finding.message).toContain('secrets requests (create, update, patch)');
    const create = attributesFromHttp({ method: 'POST', url: '/api/v1/namespaces/a/secrets', identity: alice });
    expect(evaluatePolicy(compilePolicy(load(yaml).policy), create).level).toBe('Request');
  });

  it('names only the verbs that still reach the rule after earlier rules', () => {
    const yaml = `rules:
- level: Metadata
  verbs: ["get", "list", "watch"]
  resources:
  - group: ""
    resources: ["secrets"]
- level: RequestResponse
  resources:
  - group: ""
    resources: ["secrets"]
`;
    const [finding] = lint('sensitive-data-logged', yaml);
    expect(finding.ruleIndex).toBe(1);
    expect(finding.message).toContain('secrets requests (create, update, patch, delete, deletecollection)');
  });

  it('accepts sensitive resources kept at Metadata before bodies are logged', () => {
    const yaml = `rules:
- level: Metadata
  resources:
  - group: ""
    resources: ["secrets", "configmaps", "serviceaccounts/token"]
  - group: authentication.k8s.io
    resources: ["tokenreviews"]
- level: RequestResponse
`;
    expect(lint('sensitive-data-logged', yaml)).toEqual([]);
  });

  it('knows which levels leak what: Request logs no response, reads have no request body', () => {
    // TokenRequest at Request: the body only names audiences.
    expect(lint('sensitive-data-logged', 'rules:\n- level: Request\n  resources:\n  - group: ""\n    resources: ["serviceaccounts/token"]\n')).toEqual([]);
    expect(lint('sensitive-data-logged', 'rules:\n- level: RequestResponse\n  resources:\n  - group: ""\n    resources: ["serviceaccounts/*"]\n')).toHaveLength(1);
    // Reads logged at Request carry no secret.
    expect(lint('sensitive-data-logged', 'rules:\n- level: Request\n  verbs: ["get", "list", "watch"]\n')).toEqual([]);
  });
});
