import { describe, expect, it } from 'vitest';
import { diffPolicies, type PolicyDiff } from '../../src/diff/diffPolicies.js';
import { expectReproducible, policyFromYaml } from './reproduce.js';

function diffYaml(oldText: string, newText: string): PolicyDiff {
  const oldPolicy = policyFromYaml(oldText, 'old.yaml');
  const newPolicy = policyFromYaml(newText, 'new.yaml');
  const diff = diffPolicies(oldPolicy, newPolicy);
  expectReproducible(diff, oldPolicy, newPolicy);
  return diff;
}

const policy = (rules: string, head = ''): string => `apiVersion: audit.k8s.io/v1\nkind: Policy\n${head}rules:\n${rules}`;

describe('equivalent rewrites report no change', () => {
  it('identical policies', () => {
    const text = policy(`- level: Metadata\n  resources: [{group: "", resources: [secrets]}]\n- level: RequestResponse\n`);
    expect(diffYaml(text, text).changes).toEqual([]);
  });

  it('disjoint rules reordered', () => {
    const a = policy(`- level: RequestResponse
  resources: [{group: "", resources: [configmaps]}]
- level: Metadata
  resources: [{group: "", resources: [secrets]}]
- level: None
  nonResourceURLs: ["/healthz*"]
- level: Request
`);
    const b = policy(`- level: None
  nonResourceURLs: ["/healthz*"]
- level: Metadata
  resources: [{group: "", resources: [secrets]}]
- level: RequestResponse
  resources: [{group: "", resources: [configmaps]}]
- level: Request
`);
    expect(diffYaml(a, b).changes).toEqual([]);
  });

  it('a rule split in two', () => {
    const a = policy(`- level: Metadata
  verbs: [get, list, watch]
  resources: [{group: "", resources: [secrets, configmaps]}, {group: apps, resources: ["*"]}]
- level: RequestResponse
`);
    const b = policy(`- level: Metadata
  verbs: [get]
  resources: [{group: "", resources: [secrets, configmaps]}, {group: apps}]
- level: Metadata
  verbs: [list, watch]
  resources: [{group: "", resources: [configmaps]}]
- level: Metadata
  verbs: [watch, list]
  resources: [{group: "", resources: [secrets]}, {group: apps, resources: ["*"]}]
- level: RequestResponse
`);
    expect(diffYaml(a, b).changes).toEqual([]);
  });

  it('a shadowed rule added, and one removed', () => {
    const a = policy(`- level: None
  users: [system:kube-proxy]
- level: Metadata
  resources: [{group: "", resources: ["pods/*"]}]
- level: Request
  resources: [{group: "", resources: [pods/log]}]
- level: RequestResponse
`);
    // pods/log is already caught by pods/*; anything after a catch-all never decides.
    const b = policy(`- level: None
  users: [system:kube-proxy]
- level: Request
  users: [system:kube-proxy]
  verbs: [get]
- level: Metadata
  resources: [{group: "", resources: ["pods/*"]}]
- level: RequestResponse
- level: None
  resources: [{group: "", resources: [secrets]}]
`);
    expect(diffYaml(a, b).changes).toEqual([]);
  });

  it('policy-level omitStages restated in every rule', () => {
    const a = policy(`- level: Metadata\n  resources: [{group: "", resources: [secrets]}]\n- level: Request\n  omitStages: [ResponseStarted]\n`, 'omitStages: [RequestReceived]\n');
    const b = policy(`- level: Metadata\n  resources: [{group: "", resources: [secrets]}]\n  omitStages: [RequestReceived]\n- level: Request\n  omitStages: [ResponseStarted, RequestReceived]\n`);
    // The default (level None) loses the stages, but nothing is written at None.
    expect(diffYaml(a, b).changes).toEqual([]);
  });

  it('omitManagedFields restated, and where it cannot show', () => {
    const a = policy(`- level: RequestResponse\n  resources: [{group: apps}]\n- level: Metadata\n`, 'omitManagedFields: true\n');
    const b = policy(`- level: RequestResponse\n  resources: [{group: apps}]\n  omitManagedFields: true\n- level: Metadata\n  omitManagedFields: false\n`);
    // No body is logged at Metadata, so its omitManagedFields is moot.
    expect(diffYaml(a, b).changes).toEqual([]);
  });

  it('an explicit None catch-all, and no catch-all at all', () => {
    const a = policy(`- level: Metadata\n  resources: [{group: "", resources: [secrets]}]\n- level: None\n  omitStages: [Panic]\n`);
    const b = policy(`- level: Metadata\n  resources: [{group: "", resources: [secrets]}]\n`, 'omitStages: [ResponseStarted]\n');
    // Everything but secrets is None either way (the explicit rule's stages are moot); the
    // secrets rule gains b's policy-level stage, which joins every rule's.
    expect(diffYaml(a, b).changes.map((c) => c.changed)).toEqual([['omitStages']]);
    const c = policy(`- level: Metadata\n  resources: [{group: "", resources: [secrets]}]\n  omitStages: [ResponseStarted]\n`);
    expect(diffYaml(c, b).changes).toEqual([]);
  });

  it('stages of a None rule are moot', () => {
    const a = policy(`- level: None\n  nonResourceURLs: ["/healthz"]\n- level: Metadata\n`);
    const b = policy(`- level: None\n  nonResourceURLs: ["/healthz"]\n  omitStages: [RequestReceived]\n- level: Metadata\n`);
    expect(diffYaml(a, b).changes).toEqual([]);
  });
});

describe('real changes', () => {
  it('a level raised for one resource: one class, with the rules on both sides', () => {
    const a = policy(`- level: None
  nonResourceURLs: ["/healthz*"]
- level: Metadata
`);
    const b = policy(`- level: None
  nonResourceURLs: ["/healthz*"]
- level: RequestResponse
  resources: [{group: "", resources: [secrets]}]
- level: Metadata
`);
    const diff = diffYaml(a, b);
    expect(diff.classesChanged).toBe(1);
    const [change] = diff.changes;
    expect(change.old).toMatchObject({ level: 'Metadata', rule: 'old.yaml:6', ruleIndex: 1 });
    expect(change.new).toMatchObject({ level: 'RequestResponse', rule: 'new.yaml:6', ruleIndex: 1 });
    expect(change.changed).toEqual(['level']);
    expect(change.attributes).toMatchObject({ resourceRequest: true, apiGroup: '', resource: 'secrets', subresource: '' });
    expect(change.http?.url).toMatch(/\/secrets/);
    expect(change.description).toContain('level Metadata → RequestResponse');
  });

  it('a catch-all lowered splits into one class per rule it now competes with', () => {
    const a = policy(`- level: Request
  resources: [{group: "", resources: [configmaps]}]
- level: RequestResponse
`);
    const b = policy(`- level: Request
  resources: [{group: "", resources: [configmaps]}]
- level: Metadata
  verbs: [get, list, watch]
- level: RequestResponse
`);
    const diff = diffYaml(a, b);
    expect(diff.classesChanged).toBe(1);
    expect(['get', 'list', 'watch']).toContain(diff.changes[0].attributes.verb);
    // configmaps keep their own rule.
    expect(diff.changes[0].attributes.resource).not.toBe('configmaps');
  });

  it('omitStages changed on a logging rule', () => {
    const a = policy(`- level: Metadata\n`);
    const b = policy(`- level: Metadata\n  omitStages: [RequestReceived]\n`);
    const diff = diffYaml(a, b);
    expect(diff.classesChanged).toBe(1);
    expect(diff.changes[0].changed).toEqual(['omitStages']);
    expect(diff.changes[0].new.omitStages).toEqual(['RequestReceived']);
    expect(diff.changes[0].description).toContain('omitStages [] → [RequestReceived]');
  });

  it('omitManagedFields changed where bodies are logged', () => {
    const a = policy(`- level: RequestResponse\n  verbs: [create]\n- level: Metadata\n`);
    const b = policy(`- level: RequestResponse\n  verbs: [create]\n  omitManagedFields: true\n- level: Metadata\n`);
    const diff = diffYaml(a, b);
    expect(diff.classesChanged).toBe(1);
    expect(diff.changes[0].changed).toEqual(['omitManagedFields']);
    expect(diff.changes[0].attributes.verb).toBe('create');
  });

  it('a prefix made exact: paths under it change, the path itself does not', () => {
    const a = policy(`- level: None\n  nonResourceURLs: ["/healthz*"]\n- level: Metadata\n`);
    const b = policy(`- level: None\n  nonResourceURLs: ["/healthz"]\n- level: Metadata\n`);
    const diff = diffYaml(a, b);
    expect(diff.classesChanged).toBe(1);
    const { attributes } = diff.changes[0];
    expect(attributes.resourceRequest).toBe(false);
    expect(attributes.path.startsWith('/healthz')).toBe(true);
    expect(attributes.path).not.toBe('/healthz');
  });

  it('"pods/*" narrowed to "pods": only subresources change', () => {
    const a = policy(`- level: RequestResponse\n  resources: [{group: "", resources: ["pods/*"]}]\n- level: Metadata\n`);
    const b = policy(`- level: RequestResponse\n  resources: [{group: "", resources: [pods]}]\n- level: Metadata\n`);
    const diff = diffYaml(a, b);
    expect(diff.classesChanged).toBe(1);
    expect(diff.changes[0].attributes).toMatchObject({ resource: 'pods' });
    expect(diff.changes[0].attributes.subresource).not.toBe('');
    expect(diff.changes[0].scope).toContain('subresource anything but none');
  });

  it('group "*" widened from the core group', () => {
    const a = policy(`- level: RequestResponse\n  resources: [{group: "", resources: [secrets]}]\n- level: Metadata\n`);
    const b = policy(`- level: RequestResponse\n  resources: [{group: "*", resources: [secrets]}]\n- level: Metadata\n`);
    const diff = diffYaml(a, b);
    expect(diff.classesChanged).toBe(1);
    expect(diff.changes[0].attributes).toMatchObject({ resource: 'secrets' });
    expect(diff.changes[0].attributes.apiGroup).not.toBe('');
  });

  it('a rule for a group: the example user is in it (and authenticated)', () => {
    const a = policy(`- level: Metadata\n`);
    const b = policy(`- level: RequestResponse\n  userGroups: [system:masters]\n- level: Metadata\n`);
    const diff = diffYaml(a, b);
    expect(diff.classesChanged).toBe(1);
    expect(diff.changes[0].attributes.user?.groups).toContain('system:masters');
    expect(diff.changes[0].http?.user?.groups).toContain('system:masters');
  });

  it('failed authentication is a class of its own', () => {
    const a = policy(`- level: None\n  userGroups: [system:authenticated]\n- level: Metadata\n`);
    const b = policy(`- level: None\n`);
    const diff = diffYaml(a, b);
    expect(diff.classesChanged).toBe(1);
    // Every authenticated user has system:authenticated or system:unauthenticated: the natural example is a failed authentication or anonymous.
    const user = diff.changes[0].attributes.user;
    expect(user === null || !user.groups.includes('system:authenticated')).toBe(true);
  });

  it('names: a rule for one object only', () => {
    const a = policy(`- level: Metadata\n`);
    const b = policy(`- level: RequestResponse\n  resources: [{group: "", resources: [configmaps], resourceNames: [kube-root-ca.crt]}]\n- level: Metadata\n`);
    const diff = diffYaml(a, b);
    expect(diff.classesChanged).toBe(1);
    expect(diff.changes[0].attributes).toMatchObject({ resource: 'configmaps', name: 'kube-root-ca.crt' });
  });

  it('counts one class per (old rule, new rule) pair and keeps them apart', () => {
    const a = policy(`- level: None\n  users: [system:kube-proxy]\n- level: Metadata\n  verbs: [get]\n- level: Request\n`);
    const b = policy(`- level: Metadata\n  verbs: [get]\n- level: RequestResponse\n`);
    const diff = diffYaml(a, b);
    const pairs = diff.changes.map((c) => `${c.old.ruleIndex}->${c.new.ruleIndex}`).sort();
    // kube-proxy: None -> Metadata for gets, None -> RequestResponse otherwise; everyone else's non-gets: Request -> RequestResponse.
    expect(pairs).toEqual(['0->0', '0->1', '2->1']);
    expect(diff.classesChanged).toBe(3);
  });

  it('every part of a class is described, the example part first', () => {
    const a = policy(`- level: Metadata\n`);
    const b = policy(`- level: Request\n  verbs: [create]\n- level: Request\n  namespaces: [prod]\n- level: Metadata\n`);
    const diff = diffYaml(a, b);
    expect(diff.classesChanged).toBe(2);
    for (const change of diff.changes) expect(change.parts[0]).toEqual(change.scope);
  });
});
