import { describe, expect, it } from 'vitest';
import { credentialsFor, impersonationGrant, INVALID_BEARER_TOKEN } from '../../../src/clusters/common/identity.js';

describe('credentialsFor', () => {
  it('presents a user as a client certificate: CN = name, O = groups in order', () => {
    expect(credentialsFor({ kind: 'user', name: 'alice', groups: ['dev', 'ops'] })).toEqual({
      clientCertificate: { commonName: 'alice', organizations: ['dev', 'ops'] },
      headers: {},
    });
  });

  it('presents nothing for anonymous, and an unknown bearer token for failed authentication', () => {
    expect(credentialsFor({ kind: 'anonymous' })).toEqual({ headers: {} });
    expect(credentialsFor({ kind: 'failed-authentication' })).toEqual({
      headers: { authorization: `Bearer ${INVALID_BEARER_TOKEN}` },
    });
  });

  it("impersonates with the caller's certificate and one Impersonate-Group per group", () => {
    const creds = credentialsFor({
      kind: 'impersonating',
      caller: { name: 'carol', groups: ['admins'] },
      as: { name: 'dave', groups: ['a', 'b'] },
    });
    expect(creds).toEqual({
      clientCertificate: { commonName: 'carol', organizations: ['admins'] },
      headers: { 'impersonate-user': 'dave', 'impersonate-group': ['a', 'b'] },
    });
    const noGroups = credentialsFor({ kind: 'impersonating', caller: { name: 'c', groups: [] }, as: { name: 'd', groups: [] } });
    expect(noGroups.headers).toEqual({ 'impersonate-user': 'd' });
  });

  it('grants impersonation to system:authenticated only', () => {
    const { clusterRoleBinding } = impersonationGrant() as { clusterRoleBinding: { subjects: unknown[] } };
    expect(clusterRoleBinding.subjects).toEqual([
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:authenticated' },
    ]);
  });
});
