import { describe, expect, it } from 'vitest';
import { attributesFromHttp } from '../../../src/request/attributes.js';
import { lint } from '../lintFixture.js';

const resourceRule = (verbs: string) => `rules:\n- level: None\n  verbs: ${verbs}\n  resources:\n  - group: ""\n`;
const nonResourceRule = (verbs: string) => `rules:\n- level: None\n  verbs: ${verbs}\n  nonResourceURLs: ["/healthz"]\n`;
const anyRule = (verbs: string) => `rules:\n- level: None\n  verbs: ${verbs}\n`;

describe('unknown-verb', () => {
  it('reports upper-case verbs (kube-apiserver lower-cases them)', () => {
    const [finding] = lint('unknown-verb', anyRule('["GET"]'));
    expect(finding.message).toContain('write "get"');
    expect(finding.pos.line).toBe(5);
  });

  it('reports RBAC-only verbs on resource rules: the audit event carries the request verb', () => {
    const findings = lint('unknown-verb', resourceRule('["get", "impersonate", "escalate"]'));
    expect(findings.map((f) => f.message.split(':')[0]).sort()).toEqual(['verb "escalate"', 'verb "impersonate"']);
    for (const f of findings) expect(f.message).toContain('RBAC verb');
  });

  it('reports HTTP methods on resource rules and names the verb meant', () => {
    const [finding] = lint('unknown-verb', resourceRule('["post"]'));
    expect(finding.message).toContain('"create"');
  });

  it('reports resource verbs on non-resource rules', () => {
    const [finding] = lint('unknown-verb', nonResourceRule('["list"]'));
    expect(finding.message).toContain('non-standard method LIST');
  });

  it('accepts the verbs requestinfo.go produces', () => {
    expect(lint('unknown-verb', resourceRule('["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "proxy"]'))).toEqual([]);
    expect(lint('unknown-verb', nonResourceRule('["get", "head", "post", "put", "patch", "delete", "options"]'))).toEqual([]);
    expect(lint('unknown-verb', anyRule('["get", "post"]'))).toEqual([]);
  });

  it('knows the empty verb: resource requests with e.g. OPTIONS have it, non-resource requests never', () => {
    expect(lint('unknown-verb', resourceRule('[""]'))).toEqual([]);
    const identity = { kind: 'user' as const, name: 'u', groups: [] };
    expect(attributesFromHttp({ method: 'OPTIONS', url: '/api/v1/pods', identity }).verb).toBe('');
    expect(attributesFromHttp({ method: 'OPTIONS', url: '/healthz', identity }).verb).toBe('options');
    expect(lint('unknown-verb', nonResourceRule('[""]'))[0].message).toContain('never matches here');
  });

  it('leaves "*" to literal-wildcard', () => {
    expect(lint('unknown-verb', anyRule('["*"]'))).toEqual([]);
  });
});
