// The administrative side of a cluster auditspec runs itself (local,
// containers, kind): one admin identity, and the few calls made with it —
// readiness, /version and the impersonation grant of identity.ts — all through
// @kubernetes/client-node, as any Kubernetes client would make them.
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeConfig, V1ClusterRole, V1ClusterRoleBinding } from '@kubernetes/client-node';
import { ClusterError } from '../types.js';
import { type ClientCertificateSubject, IMPERSONATOR_ROLE, impersonationGrant } from './identity.js';

/** The identity auditspec administers its own clusters as: system:masters bypasses RBAC. */
export const ADMIN: ClientCertificateSubject = { commonName: 'auditspec:admin', organizations: ['system:masters'] };

const GRANT_TIMEOUT_MS = 60_000;
const READY_POLL_MS = 250;

export interface AdminCredentials {
  /** https://127.0.0.1:PORT */
  server: string;
  caPem: string;
  /** The ADMIN client certificate and its key. */
  certPem: string;
  keyPem: string;
}

type ClientNode = typeof import('@kubernetes/client-node');

export class AdminClient {
  private constructor(
    private readonly k8s: ClientNode,
    readonly config: KubeConfig,
  ) {}

  static async connect(admin: AdminCredentials): Promise<AdminClient> {
    const k8s = await import('@kubernetes/client-node');
    const config = new k8s.KubeConfig();
    const b64 = (pem: string) => Buffer.from(pem).toString('base64');
    config.loadFromOptions({
      clusters: [{ name: 'auditspec', server: admin.server, caData: b64(admin.caPem), skipTLSVerify: false }],
      users: [{ name: 'auditspec-admin', certData: b64(admin.certPem), keyData: b64(admin.keyPem) }],
      contexts: [{ name: 'auditspec', cluster: 'auditspec', user: 'auditspec-admin' }],
      currentContext: 'auditspec',
    });
    return new AdminClient(k8s, config);
  }

  /** Polls /readyz until it answers 200; false when time runs out or `gone()` says the server died. */
  async waitReady(timeoutMs: number, gone: () => boolean = () => false): Promise<boolean> {
    const health = new this.k8s.Health(this.config);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (gone()) return false;
      const timeout = AbortSignal.timeout(Math.max(1000, Math.min(10_000, deadline - Date.now())));
      if (await health.readyz({ signal: timeout } as never).catch(() => false)) return true;
      await sleep(READY_POLL_MS);
    }
    return false;
  }

  /** GET /version's gitVersion, e.g. v1.33.13: which release really answers. */
  async serverVersion(): Promise<string> {
    const info = await this.config.makeApiClient(this.k8s.VersionApi).getCode();
    return info.gitVersion;
  }

  /**
   * Lets every authenticated caller impersonate (identity.ts explains why), and
   * waits until kube-apiserver's RBAC authorizer has seen it. Already granted is fine.
   */
  async grantImpersonationToAll(): Promise<void> {
    const rbac = this.config.makeApiClient(this.k8s.RbacAuthorizationV1Api);
    const authorization = this.config.makeApiClient(this.k8s.AuthorizationV1Api);
    const grant = impersonationGrant();
    const conflict = (err: unknown) => err instanceof this.k8s.ApiException && err.code === 409;
    try {
      await rbac.createClusterRole({ body: grant.clusterRole as V1ClusterRole }).catch((err) => {
        if (!conflict(err)) throw err;
      });
      await rbac.createClusterRoleBinding({ body: grant.clusterRoleBinding as V1ClusterRoleBinding }).catch((err) => {
        if (!conflict(err)) throw err;
      });
    } catch (err) {
      throw new ClusterError(`could not create ${IMPERSONATOR_ROLE}: ${(err as Error).message}`);
    }
    const deadline = Date.now() + GRANT_TIMEOUT_MS;
    while (Date.now() < deadline) {
      const answer = await authorization.createSubjectAccessReview({
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SubjectAccessReview',
          spec: {
            user: 'auditspec:grant-check',
            groups: ['system:authenticated'],
            resourceAttributes: { verb: 'impersonate', resource: 'users', name: 'someone' },
          },
        },
      });
      if (answer.status?.allowed === true) return;
      await sleep(50);
    }
    throw new ClusterError(`RBAC never allowed impersonation through ${IMPERSONATOR_ROLE}`);
  }
}
