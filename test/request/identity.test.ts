// Identities as kube-apiserver's authentication chain hands them to the audit
// policy (pkg/kubeapiserver/authenticator/config.go: the union of authenticators
// is wrapped in group.AuthenticatedGroupAdder; the anonymous authenticator sits
// outside it; WithAudit runs before WithImpersonation). The policyUser table's
// expected users were checked with a throwaway Go program (outside this repo)
// that ran each user through k8s.io/apiserver v0.36.4's NewAuthenticatedGroupAdder,
// serviceaccount.UserInfo and the anonymous authenticator.
import { describe, expect, it } from 'vitest';
import {
  anonymous,
  describeIdentity,
  failedAuthentication,
  identityForPolicyUser,
  impersonate,
  policyUser,
  serviceAccount,
  user,
  withAuthenticatedGroup,
} from '../../src/request/identity.js';
import type { Identity, UserInfo } from '../../src/request/types.js';

describe('policyUser', () => {
  it.each<[string, Identity, UserInfo | null]>([
    ['appends system:authenticated last', user('alice', ['dev', 'ops']), { name: 'alice', groups: ['dev', 'ops', 'system:authenticated'] }],
    ['gives a user without groups system:authenticated', user('alice'), { name: 'alice', groups: ['system:authenticated'] }],
    ['does not duplicate system:authenticated', user('alice', ['system:authenticated', 'dev']), { name: 'alice', groups: ['system:authenticated', 'dev'] }],
    ['leaves a user already in system:unauthenticated alone', user('weird', ['system:unauthenticated']), { name: 'weird', groups: ['system:unauthenticated'] }],
    ['leaves any user named system:anonymous alone', user('system:anonymous', ['x']), { name: 'system:anonymous', groups: ['x'] }],
    ['keeps duplicate groups as the authenticator gave them', user('alice', ['a', 'a']), { name: 'alice', groups: ['a', 'a', 'system:authenticated'] }],
    ['anonymous', anonymous, { name: 'system:anonymous', groups: ['system:unauthenticated'] }],
    ['failed authentication has no user', failedAuthentication, null],
    [
      'service account tokens',
      serviceAccount('kube-system', 'replicaset-controller'),
      {
        name: 'system:serviceaccount:kube-system:replicaset-controller',
        groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'],
      },
    ],
    [
      'impersonation: the caller, never the impersonated user',
      impersonate(user('admin', ['system:masters']), { name: 'bob', groups: ['x'] }),
      { name: 'admin', groups: ['system:masters', 'system:authenticated'] },
    ],
    [
      'impersonation by a service account',
      impersonate(serviceAccount('ci', 'deployer'), { name: 'bob' }),
      { name: 'system:serviceaccount:ci:deployer', groups: ['system:serviceaccounts', 'system:serviceaccounts:ci', 'system:authenticated'] },
    ],
  ])('%s', (_, identity, expected) => {
    expect(policyUser(identity)).toEqual(expected);
  });

  it('never shares arrays with its input', () => {
    const groups = ['dev'];
    const seen = withAuthenticatedGroup('alice', groups);
    expect(groups).toEqual(['dev']);
    expect(seen.groups).not.toBe(groups);
  });

  it('takes a plain caller too', () => {
    expect(impersonate({ name: 'admin' }, { name: 'bob', groups: ['x'] })).toEqual({
      kind: 'impersonating',
      caller: { name: 'admin', groups: [] },
      as: { name: 'bob', groups: ['x'] },
    });
  });

  it('refuses impersonation by callers that are not authenticated users', () => {
    expect(() => impersonate(anonymous, { name: 'bob' })).toThrow(/only an authenticated user/);
    expect(() => impersonate(failedAuthentication, { name: 'bob' })).toThrow(/only an authenticated user/);
  });
});

describe('identityForPolicyUser', () => {
  it.each<[string, UserInfo | null, Identity | undefined]>([
    ['no user: failed authentication', null, failedAuthentication],
    ['the anonymous user', { name: 'system:anonymous', groups: ['system:unauthenticated'] }, anonymous],
    ['a recorded user with system:authenticated', { name: 'a', groups: ['g', 'system:authenticated'] }, user('a', ['g', 'system:authenticated'])],
    ['system:anonymous with other groups', { name: 'system:anonymous', groups: ['x'] }, user('system:anonymous', ['x'])],
    // The group adder would append system:authenticated: no authenticator yields this user.
    ['a user lacking system:authenticated', { name: 'a', groups: ['g'] }, undefined],
    ['a service account as upstream tests write it', { name: 'system:serviceaccount:a:b', groups: ['system:serviceaccounts', 'system:serviceaccounts:a'] }, undefined],
  ])('%s', (_, seen, expected) => {
    const found = identityForPolicyUser(seen);
    expect(found).toEqual(expected);
    if (found) expect(policyUser(found)).toEqual(seen);
  });
});

describe('describeIdentity', () => {
  it.each<[Identity, string]>([
    [user('alice', ['dev']), 'alice [dev]'],
    [user('alice'), 'alice'],
    [anonymous, 'system:anonymous'],
    [failedAuthentication, '<unauthenticated>'],
    [impersonate(user('admin', ['system:masters']), { name: 'bob', groups: ['x'] }), 'admin [system:masters] as bob [x]'],
  ])('%j → %s', (identity, label) => {
    expect(describeIdentity(identity)).toBe(label);
  });
});

// serviceaccount.SplitUsername / MakeGroupNames (k8s.io/apiserver v0.36.4
// pkg/authentication/serviceaccount/util.go): a username that reads back as a
// service account carries system:serviceaccounts and system:serviceaccounts:<ns>.
describe('service account usernames', () => {
  it.each<[string, string[] | undefined]>([
    ['system:serviceaccount:kube-system:kube-proxy', ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated']],
    ['system:serviceaccount:ci:builder.v2', ['system:serviceaccounts', 'system:serviceaccounts:ci', 'system:authenticated']],
    // Not service accounts: three parts, an invalid namespace, an empty name, another prefix.
    ['system:serviceaccount:ci:a:b', undefined],
    ['system:serviceaccount:Not_Valid:x', undefined],
    ['system:serviceaccount:ci:', undefined],
    ['system:serviceaccounts:ci:builder', undefined],
  ])('%s', (name, serviceAccountGroups) => {
    expect(policyUser(user(name, ['extra']))).toEqual({ name, groups: serviceAccountGroups ? [...serviceAccountGroups.slice(0, 2), 'extra', 'system:authenticated'] : ['extra', 'system:authenticated'] });
    expect(policyUser(user(name))).toEqual({ name, groups: serviceAccountGroups ?? ['system:authenticated'] });
  });

  it('does not repeat groups already given, and serviceAccount() is the same user', () => {
    expect(user('system:serviceaccount:ci:x', ['system:serviceaccounts:ci'])).toEqual({
      kind: 'user',
      name: 'system:serviceaccount:ci:x',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:ci'],
    });
    expect(serviceAccount('ci', 'x')).toEqual(user('system:serviceaccount:ci:x'));
  });

  it('serviceAccount() refuses what no token can name', () => {
    expect(() => serviceAccount('Prod', 'x')).toThrow(/not a service account kube-apiserver can authenticate/);
    expect(() => serviceAccount('ci', 'a:b')).toThrow(/not a service account/);
  });
});
