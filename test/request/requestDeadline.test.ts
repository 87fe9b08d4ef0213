// kube-apiserver's request-deadline filter answers a bad `timeout` before
// authentication, so the policy sees no user. Checked on the real binary with
// `auditspec probe` (400, user absent from the event, only ResponseStarted).
import { describe, expect, test } from 'vitest';
import { compilePolicy, evaluatePolicy } from '../../src/audit/policy/checker.js';
import { attributesFromHttp } from '../../src/request/attributes.js';
import { user } from '../../src/request/identity.js';
import { policyOf } from '../support/policies.js';

const alice = user('alice', ['dev']);
const seen = (url: string, method = 'GET') => attributesFromHttp({ method, url, identity: alice }).user;

describe('a timeout kube-apiserver cannot parse', () => {
  test.each([
    '/api/v1/namespaces/a/pods?timeout=soon',
    '/api/v1/namespaces/a/pods/x?timeout=10',
    '/apis/apps/v1/deployments?timeout=1x&timeout=5s',
    '/healthz?timeout=later',
  ])('%s: rejected before authentication, so no user', (url) => {
    expect(seen(url)).toBeNull();
  });
  test.each([
    '/api/v1/namespaces/a/pods?timeout=5s',
    '/api/v1/namespaces/a/pods?timeout=',
    '/api/v1/namespaces/a/pods?timeout=5s&timeout=soon',
    '/api/v1/namespaces/a/pods?timeout=soon;x=1',
    // Long-running requests skip the deadline filter.
    '/api/v1/namespaces/a/pods?watch=1&timeout=soon',
    '/api/v1/namespaces/a/pods/x/log?timeout=soon',
    '/debug/pprof/profile?timeout=soon',
  ])('%s: the user is seen', (url) => {
    expect(seen(url)).toEqual({ name: 'alice', groups: ['dev', 'system:authenticated'] });
  });
  test('so a user rule does not match and only ResponseStarted is written', () => {
    const compiled = compilePolicy(policyOf([{ level: 'RequestResponse', users: ['alice'] }, { level: 'Metadata' }]));
    const decision = evaluatePolicy(compiled, attributesFromHttp({ method: 'GET', url: '/api/v1/pods?timeout=soon', identity: alice }));
    expect(decision).toMatchObject({ level: 'Metadata', ruleIndex: 1, stages: ['ResponseStarted'] });
  });
});
