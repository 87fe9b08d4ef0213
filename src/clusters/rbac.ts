// The RBAC objects a backend sets up once per cluster, through
// @kubernetes/client-node's typed API with the backend's admin credentials.
import type { V1ClusterRole, V1ClusterRoleBinding, V1SubjectAccessReview } from '@kubernetes/client-node';
import { impersonationGrant } from './identity.js';

export interface AdminCredentials {
  /** https://127.0.0.1:PORT */
  server: string;
  caPem: string;
  certPem: string;
  keyPem: string;
}

async function clients(admin: AdminCredentials) {
  const k8s = await import('@kubernetes/client-node');
  const config = new k8s.KubeConfig();
  const b64 = (pem: string) => Buffer.from(pem).toString('base64');
  config.loadFromOptions({
    clusters: [{ name: 'auditspec', server: admin.server, caData: b64(admin.caPem), skipTLSVerify: false }],
    users: [{ name: 'auditspec-admin', certData: b64(admin.certPem), keyData: b64(admin.keyPem) }],
    contexts: [{ name: 'auditspec', cluster: 'auditspec', user: 'auditspec-admin' }],
    currentContext: 'auditspec',
  });
  return {
    rbac: config.makeApiClient(k8s.RbacAuthorizationV1Api),
    authorization: config.makeApiClient(k8s.AuthorizationV1Api),
    isConflict: (err: unknown) => err instanceof k8s.ApiException && err.code === 409,
  };
}

/** Creates the impersonation grant (already there is fine). */
export async function createImpersonationGrant(admin: AdminCredentials): Promise<void> {
  const { rbac, isConflict } = await clients(admin);
  const grant = impersonationGrant();
  const clusterRole = grant.clusterRole as V1ClusterRole;
  const clusterRoleBinding = grant.clusterRoleBinding as V1ClusterRoleBinding;
  try {
    await rbac.createClusterRole({ body: clusterRole });
  } catch (err) {
    if (!isConflict(err)) throw err;
  }
  try {
    await rbac.createClusterRoleBinding({ body: clusterRoleBinding });
  } catch (err) {
    if (!isConflict(err)) throw err;
  }
}

/** Whether kube-apiserver's RBAC authorizer already lets an authenticated user impersonate. */
export async function impersonationAllowed(admin: AdminCredentials): Promise<boolean> {
  const { authorization } = await clients(admin);
  const review: V1SubjectAccessReview = {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec: {
      user: 'auditspec:grant-check',
      groups: ['system:authenticated'],
      resourceAttributes: { verb: 'impersonate', resource: 'users', name: 'someone' },
    },
  };
  const answer = await authorization.createSubjectAccessReview({ body: review });
  return answer.status?.allowed === true;
}
