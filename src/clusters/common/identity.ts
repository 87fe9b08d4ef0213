// How each Identity of a spec is presented to kube-apiserver, independent of the
// backend (which only has to mint the client certificates from its CA):
//
// - user: a client certificate, CN = name, one O per group. kube-apiserver's x509
//   authenticator maps exactly that, and appends system:authenticated itself.
// - anonymous: no credentials at all (needs --anonymous-auth, on by default):
//   system:anonymous in system:unauthenticated.
// - failed authentication: a bearer token no authenticator knows. The bearer
//   token authenticator turns "not recognised" into an error, and the union
//   authenticator fails on it before anonymous is tried, so the request is
//   rejected with 401 and audited with no user (WithFailedAuthenticationAudit).
// - impersonating: the caller's certificate plus Impersonate-User and one
//   Impersonate-Group per group. The audit filter runs before the impersonation
//   filter, so the policy matches the caller, and the event records the
//   impersonated user. Backends grant impersonation to every authenticated user
//   (see IMPERSONATOR_ROLE) so the request gets past the impersonation check and
//   `impersonatedUser` really appears in the event; without the grant the
//   request would end with 403 before impersonation and record no impersonatedUser.
import type { Identity } from '../../request/types.js';

/** A token that no authenticator recognises. */
export const INVALID_BEARER_TOKEN = 'auditspec-deliberately-invalid-token';

export interface ClientCertificateSubject {
  commonName: string;
  organizations: readonly string[];
}

export interface Credentials {
  clientCertificate?: ClientCertificateSubject;
  headers: Record<string, string | string[]>;
}

export function credentialsFor(identity: Identity): Credentials {
  switch (identity.kind) {
    case 'user':
      return { clientCertificate: { commonName: identity.name, organizations: identity.groups }, headers: {} };
    case 'anonymous':
      return { headers: {} };
    case 'failed-authentication':
      return { headers: { authorization: `Bearer ${INVALID_BEARER_TOKEN}` } };
    case 'impersonating': {
      const headers: Record<string, string | string[]> = { 'impersonate-user': identity.as.name };
      if (identity.as.groups.length > 0) headers['impersonate-group'] = [...identity.as.groups];
      return {
        clientCertificate: { commonName: identity.caller.name, organizations: identity.caller.groups },
        headers,
      };
    }
  }
}

/** The ClusterRole (and binding of the same name, to system:authenticated) that lets any caller impersonate. */
export const IMPERSONATOR_ROLE = 'auditspec:impersonator';

/** The RBAC objects a backend creates once per cluster, as JSON bodies for the rbac.authorization.k8s.io/v1 API. */
export function impersonationGrant(): { clusterRole: object; clusterRoleBinding: object } {
  return {
    clusterRole: {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: IMPERSONATOR_ROLE },
      rules: [
        {
          apiGroups: [''],
          resources: ['users', 'groups', 'serviceaccounts'],
          verbs: ['impersonate'],
        },
        {
          apiGroups: ['authentication.k8s.io'],
          resources: ['uids', 'userextras/*'],
          verbs: ['impersonate'],
        },
      ],
    },
    clusterRoleBinding: {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: IMPERSONATOR_ROLE },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: IMPERSONATOR_ROLE },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:authenticated' }],
    },
  };
}
