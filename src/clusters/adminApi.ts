// The few administrative calls a backend makes on a cluster of its own (kind,
// containers): readiness, and the impersonation grant of clusters/identity.ts.
import type { IncomingMessage } from 'node:http';
import { type Agent, request } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { IMPERSONATOR_ROLE, impersonationGrant } from './identity.js';
import { ClusterError } from './types.js';

const CALL_TIMEOUT_MS = 30_000;
const GRANT_TIMEOUT_MS = 60_000;

export interface AdminTarget {
  host: string;
  port: number;
  /** An agent presenting a system:masters client certificate. */
  agent: () => Promise<Agent>;
}

/** A whole API response: its status and its body, parsed when it is JSON, else the text. */
export function readApiResponse(res: IncomingMessage): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let parsed: unknown = raw;
      try {
        parsed = JSON.parse(raw);
      } catch {
        // not JSON: keep the text
      }
      resolve({ status: res.statusCode ?? 0, body: parsed });
    });
    res.on('error', reject);
  });
}

export async function adminCall(target: AdminTarget, method: string, path: string, body?: object): Promise<{ status: number; body: unknown }> {
  const agent = await target.agent();
  const text = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.host,
        port: target.port,
        method,
        path,
        agent,
        headers: text === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) },
      },
      (res) => {
        readApiResponse(res).then(resolve, reject);
      },
    );
    req.setTimeout(CALL_TIMEOUT_MS, () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(text);
  });
}

/** Polls /readyz until it answers 200; false when time runs out or `gone()` says the server died. */
export async function waitReady(target: AdminTarget, timeoutMs: number, gone: () => boolean = () => false): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gone()) return false;
    const ok = await adminCall(target, 'GET', '/readyz').then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return true;
    await sleep(250);
  }
  return false;
}

/** Lets every authenticated caller impersonate (see identity.ts) and waits until RBAC says so. */
export async function grantImpersonationToAll(target: AdminTarget): Promise<void> {
  const { clusterRole, clusterRoleBinding } = impersonationGrant();
  for (const [path, object] of [
    ['/apis/rbac.authorization.k8s.io/v1/clusterroles', clusterRole],
    ['/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', clusterRoleBinding],
  ] as const) {
    const res = await adminCall(target, 'POST', path, object);
    if (res.status !== 201 && res.status !== 409) {
      throw new ClusterError(`could not create ${IMPERSONATOR_ROLE} (${path}): HTTP ${res.status} ${JSON.stringify(res.body)}`);
    }
  }
  const review = {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec: { user: 'auditspec:grant-check', groups: ['system:authenticated'], resourceAttributes: { verb: 'impersonate', resource: 'users', name: 'someone' } },
  };
  const deadline = Date.now() + GRANT_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const res = await adminCall(target, 'POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', review);
    if ((res.body as { status?: { allowed?: boolean } })?.status?.allowed === true) return;
    await sleep(100);
  }
  throw new ClusterError(`RBAC never allowed impersonation through ${IMPERSONATOR_ROLE}`);
}
