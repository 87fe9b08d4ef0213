import { describe, expect, test } from 'vitest';
import { compilePolicy, evaluatePolicy, isLongRunning } from '../../../src/audit/policy/checker.js';
import { nonResourceRequest, policyOf, resourceRequest } from '../../support/policies.js';

const decide = (policy: ReturnType<typeof policyOf>, attrs: Parameters<typeof evaluatePolicy>[1]) =>
  evaluatePolicy(compilePolicy(policy), attrs);

describe('rule order and the default', () => {
  test('the first matching rule decides', () => {
    const policy = policyOf([{ level: 'Request', verbs: ['get'] }, { level: 'Metadata' }]);
    expect(decide(policy, resourceRequest())).toMatchObject({ level: 'Request', ruleIndex: 0 });
    expect(decide(policy, resourceRequest({ verb: 'list' }))).toMatchObject({ level: 'Metadata', ruleIndex: 1 });
  });
  test('no match is the default None with the policy-level omitStages, distinguishable from an explicit None rule', () => {
    const policy = policyOf([{ level: 'None', users: ['bob'] }], { omitStages: ['RequestReceived'], omitManagedFields: true });
    const fallthrough = decide(policy, resourceRequest());
    expect(fallthrough).toMatchObject({ level: 'None', ruleIndex: null, rule: null, omitStages: ['RequestReceived'], omitManagedFields: true, stages: [] });
    const explicit = decide(policy, resourceRequest({ user: { name: 'bob', groups: [] } }));
    expect(explicit).toMatchObject({ level: 'None', ruleIndex: 0 });
  });
});

describe('identity', () => {
  const policy = policyOf([
    { level: 'RequestResponse', users: ['alice'] },
    { level: 'Request', userGroups: ['ops'] },
    { level: 'Metadata', users: ['*'] },
    { level: 'None' },
  ]);
  test.each([
    ['users match by exact name', { name: 'alice', groups: [] }, 0],
    ['any one group matches userGroups', { name: 'carol', groups: ['x', 'ops'] }, 1],
    ['"*" in users is literal, not a wildcard', { name: 'dave', groups: [] }, 3],
    ['a user literally named "*"', { name: '*', groups: [] }, 2],
  ])('%s', (_, user, index) => {
    expect(decide(policy, resourceRequest({ user })).ruleIndex).toBe(index);
  });
  test('failed authentication (no user) matches neither users nor userGroups, but matches rules without them', () => {
    expect(decide(policy, resourceRequest({ user: null })).ruleIndex).toBe(3);
  });
});

describe('resources', () => {
  test('an empty namespace matches cluster-scoped resources only via ""', () => {
    const policy = policyOf([{ level: 'Request', namespaces: [''] }]);
    expect(decide(policy, resourceRequest({ resource: 'nodes', namespace: '' })).level).toBe('Request');
    expect(decide(policy, resourceRequest()).level).toBe('None');
  });
  test('namespaces alone never match non-resource requests', () => {
    const policy = policyOf([{ level: 'Request', namespaces: [''] }]);
    expect(decide(policy, nonResourceRequest('/healthz')).ruleIndex).toBeNull();
  });
  test.each([
    ['pods', 'pods', '', true],
    ['pods', 'pods', 'log', false],
    ['pods/log', 'pods', 'log', true],
    ['pods/*', 'pods', 'log', true],
    ['pods/*', 'pods', '', true],
    ['*/log', 'pods', 'log', true],
    ['*/log', 'pods', '', false],
    ['*/log', 'log', '', false],
    ['*', 'pods', 'exec', true],
    ['*/*', 'pods', 'log', false],
    ['*/*', '*', '*', true],
    ['pods/log', 'pods/log', '', true],
    ['a/b', 'a', 'b', true],
  ])('pattern %j vs resource %j subresource %j → %s', (pattern, resource, subresource, matches) => {
    const policy = policyOf([{ level: 'Metadata', resources: [{ group: '', resources: [pattern] }] }]);
    expect(decide(policy, resourceRequest({ resource, subresource })).level).toBe(matches ? 'Metadata' : 'None');
  });
  test('group must match exactly; "*" matches every group; an entry without resources covers its group', () => {
    const policy = policyOf([
      { level: 'Request', resources: [{ group: 'apps', resources: ['deployments'] }] },
      { level: 'Metadata', resources: [{ group: '*', resources: ['secrets'] }] },
      { level: 'RequestResponse', resources: [{ group: 'rbac.authorization.k8s.io' }] },
    ]);
    expect(decide(policy, resourceRequest({ resource: 'deployments' })).ruleIndex).toBeNull();
    expect(decide(policy, resourceRequest({ apiGroup: 'apps', resource: 'deployments' })).ruleIndex).toBe(0);
    expect(decide(policy, resourceRequest({ apiGroup: 'example.com', resource: 'secrets' })).ruleIndex).toBe(1);
    expect(decide(policy, resourceRequest({ apiGroup: 'rbac.authorization.k8s.io', resource: 'roles' })).ruleIndex).toBe(2);
  });
  test('resourceNames restrict by name; a request without a name never matches them', () => {
    const policy = policyOf([{ level: 'Request', resources: [{ group: '', resources: ['configmaps'], resourceNames: ['cfg'] }] }]);
    expect(decide(policy, resourceRequest({ resource: 'configmaps', name: 'cfg' })).level).toBe('Request');
    expect(decide(policy, resourceRequest({ resource: 'configmaps', name: 'other' })).level).toBe('None');
    expect(decide(policy, resourceRequest({ resource: 'configmaps', name: '', verb: 'list' })).level).toBe('None');
  });
  test('rules with resources never match non-resource requests', () => {
    const policy = policyOf([{ level: 'Request', resources: [{ group: '' }] }]);
    expect(decide(policy, nonResourceRequest('/api')).ruleIndex).toBeNull();
  });
});

describe('non-resource URLs', () => {
  test.each([
    ['*', '/anything', true],
    ['/healthz', '/healthz', true],
    ['/healthz', '/healthz/ping', false],
    ['/healthz*', '/healthz/ping', true],
    ['/healthz*', '/healthzzz', true],
    ['/healthz/*', '/healthz', false],
    ['/version', '/version/', false],
  ])('%j vs %j → %s', (spec, path, matches) => {
    const policy = policyOf([{ level: 'Metadata', nonResourceURLs: [spec] }]);
    expect(decide(policy, nonResourceRequest(path)).level).toBe(matches ? 'Metadata' : 'None');
  });
  test('never match resource requests', () => {
    const policy = policyOf([{ level: 'Metadata', nonResourceURLs: ['*'] }]);
    expect(decide(policy, resourceRequest()).ruleIndex).toBeNull();
  });
});

describe('outcome fields', () => {
  test('omitStages is the union of policy and rule stages, in kube-apiserver order', () => {
    const policy = policyOf([{ level: 'Request', omitStages: ['ResponseComplete', 'RequestReceived'] }], { omitStages: ['RequestReceived', 'Panic'] });
    expect(decide(policy, resourceRequest()).omitStages).toEqual(['RequestReceived', 'ResponseComplete', 'Panic']);
  });
  test('a rule omitManagedFields overrides the policy value in both directions', () => {
    const policy = policyOf(
      [
        { level: 'Request', verbs: ['get'], omitManagedFields: false },
        { level: 'Request', verbs: ['list'] },
      ],
      { omitManagedFields: true },
    );
    expect(decide(policy, resourceRequest()).omitManagedFields).toBe(false);
    expect(decide(policy, resourceRequest({ verb: 'list' })).omitManagedFields).toBe(true);
  });
});

describe('stages written', () => {
  const policy = policyOf([{ level: 'Metadata' }]);
  test.each([
    ['ordinary request', resourceRequest(), ['RequestReceived', 'ResponseComplete']],
    ['watch', resourceRequest({ verb: 'watch', name: '' }), ['RequestReceived', 'ResponseStarted', 'ResponseComplete']],
    ['pods/log', resourceRequest({ subresource: 'log' }), ['RequestReceived', 'ResponseStarted', 'ResponseComplete']],
    ['pods/exec over WebSocket (get)', resourceRequest({ subresource: 'exec' }), ['RequestReceived', 'ResponseStarted', 'ResponseComplete']],
    ['proxy verb', resourceRequest({ verb: 'proxy' }), ['RequestReceived', 'ResponseStarted', 'ResponseComplete']],
    ['/debug/pprof/ profile', nonResourceRequest('/debug/pprof/profile'), ['RequestReceived', 'ResponseStarted', 'ResponseComplete']],
    ['non-resource path named like a subresource', nonResourceRequest('/exec'), ['RequestReceived', 'ResponseComplete']],
    ['failed authentication', resourceRequest({ user: null }), ['ResponseStarted']],
  ])('%s', (_, attrs, stages) => {
    expect(decide(policy, attrs).stages).toEqual(stages);
  });
  test('omitted stages are not written; None writes nothing', () => {
    const omitting = policyOf([{ level: 'Request', omitStages: ['RequestReceived'] }]);
    expect(decide(omitting, resourceRequest({ verb: 'watch' })).stages).toEqual(['ResponseStarted', 'ResponseComplete']);
    expect(decide(policyOf([{ level: 'None' }]), resourceRequest({ verb: 'watch' })).stages).toEqual([]);
  });
  test('isLongRunning mirrors kube-apiserver\'s BasicLongRunningRequestCheck', () => {
    expect(isLongRunning(resourceRequest({ subresource: 'portforward' }))).toBe(true);
    expect(isLongRunning(resourceRequest({ subresource: 'status' }))).toBe(false);
    expect(isLongRunning(nonResourceRequest('/debug/pprof'))).toBe(false);
  });
});

describe('candidate index', () => {
  test('rules without verbs stay candidates for verbs no rule names, in order', () => {
    const policy = policyOf([
      { level: 'Request', verbs: ['get'] },
      { level: 'Metadata', users: ['alice'] },
      { level: 'RequestResponse' },
    ]);
    expect(decide(policy, resourceRequest({ verb: 'frobnicate' })).ruleIndex).toBe(1);
    expect(decide(policy, resourceRequest({ verb: '' })).ruleIndex).toBe(1);
    expect(decide(policy, nonResourceRequest('/x', { verb: 'post' })).ruleIndex).toBe(1);
  });
  test('returns the same frozen decision object for the same rule and request shape', () => {
    const compiled = compilePolicy(policyOf([{ level: 'Metadata' }]));
    const a = evaluatePolicy(compiled, resourceRequest());
    expect(evaluatePolicy(compiled, resourceRequest({ name: 'x' }))).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
  });
});
