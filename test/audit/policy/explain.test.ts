import { describe, expect, test } from 'vitest';
import { compilePolicy, evaluatePolicy } from '../../../src/audit/policy/checker.js';
import { explainRequest } from '../../../src/audit/policy/explain.js';
import { formatExplanation } from '../../../src/format/explanation.js';
import { nonResourceRequest, policyOf, resourceRequest } from '../../support/policies.js';

const explain = (policy: ReturnType<typeof policyOf>, attrs: Parameters<typeof evaluatePolicy>[1]) =>
  explainRequest(compilePolicy(policy), attrs);

describe('trace', () => {
  test('lists every rule up to the deciding one with the first failed condition', () => {
    const policy = policyOf([
      { level: 'None', users: ['system:kube-proxy'] },
      { level: 'None', verbs: ['watch'] },
      { level: 'Metadata', resources: [{ group: '', resources: ['secrets'] }] },
      { level: 'Request' },
      { level: 'RequestResponse' },
    ]);
    const e = explain(policy, resourceRequest());
    expect(e.decision.ruleIndex).toBe(3);
    expect(e.trace.map((t) => [t.index, t.matched, t.failed?.condition])).toEqual([
      [0, false, 'users'],
      [1, false, 'verbs'],
      [2, false, 'resources'],
      [3, true, undefined],
    ]);
    expect(e.trace[0].failed?.reason).toBe('user "alice" is not in users ["system:kube-proxy"]');
  });
  test('the default lists every rule and says so', () => {
    const e = explain(policyOf([{ level: 'Request', verbs: ['create'] }]), resourceRequest());
    expect(e.trace).toHaveLength(1);
    expect(formatExplanation(e)).toContain('no rule matched');
  });
  test('failed authentication fails users and userGroups with a reason', () => {
    const e = explain(policyOf([{ level: 'Request', userGroups: ['ops'] }]), resourceRequest({ user: null }));
    expect(e.trace[0].failed).toEqual({ condition: 'userGroups', reason: 'the request has no user (authentication failed)' });
  });
  test('resource rules against non-resource requests and the reverse', () => {
    const e1 = explain(policyOf([{ level: 'Request', namespaces: ['a'] }]), nonResourceRequest('/healthz'));
    expect(e1.trace[0].failed?.condition).toBe('resourceRequest');
    const e2 = explain(policyOf([{ level: 'Request', nonResourceURLs: ['/healthz'] }]), resourceRequest());
    expect(e2.trace[0].failed?.condition).toBe('nonResourceURLs');
  });
});

describe('hints', () => {
  const hintsFor = (policy: ReturnType<typeof policyOf>, attrs: Parameters<typeof evaluatePolicy>[1]) =>
    explain(policy, attrs).trace.flatMap((t) => t.hints);

  test('a resource does not cover its subresources', () => {
    const hints = hintsFor(policyOf([{ level: 'Request', resources: [{ group: '', resources: ['pods'] }] }]), resourceRequest({ subresource: 'log' }));
    expect(hints.join('\n')).toMatch(/"pods" does not cover its subresource "pods\/log"/);
  });
  test('an omitted group means core, and deployments live in apps', () => {
    const hints = hintsFor(
      policyOf([{ level: 'Request', resources: [{ resources: ['deployments'] }] }]),
      resourceRequest({ apiGroup: 'apps', resource: 'deployments' }),
    );
    expect(hints.join('\n')).toMatch(/core group .* but the request is for group "apps"/);
  });
  test.each([
    ['users', { level: 'Request', users: ['system:*'] }],
    ['userGroups', { level: 'Request', userGroups: ['*'] }],
    ['verbs', { level: 'Request', verbs: ['*'] }],
    ['namespaces', { level: 'Request', namespaces: ['kube-*'] }],
  ])('there are no wildcards in %s', (field, rule) => {
    const hints = hintsFor(policyOf([rule]), resourceRequest());
    expect(hints.join('\n')).toContain(`no wildcards in ${field}`);
  });
  test('a list has no name, so resourceNames cannot match it', () => {
    const hints = hintsFor(
      policyOf([{ level: 'Request', resources: [{ group: '', resources: ['configmaps'], resourceNames: ['cfg'] }] }]),
      resourceRequest({ verb: 'list', resource: 'configmaps', name: '' }),
    );
    expect(hints.join('\n')).toMatch(/resourceNames can only match requests that name an object/);
  });
  test('exec over WebSocket is a get', () => {
    const hints = hintsFor(policyOf([{ level: 'Request', verbs: ['create'] }]), resourceRequest({ verb: 'get', subresource: 'exec' }));
    expect(hints.join('\n')).toMatch(/"get" over WebSocket/);
  });
  test('"core" is not the core group', () => {
    const hints = hintsFor(policyOf([{ level: 'Request', resources: [{ group: 'core', resources: ['pods'] }] }]), resourceRequest());
    expect(hints.join('\n')).toContain('"core" is not the core group');
  });
  test('no hints when nothing suspicious is going on', () => {
    expect(hintsFor(policyOf([{ level: 'Request', users: ['bob'] }]), resourceRequest())).toEqual([]);
  });
});
