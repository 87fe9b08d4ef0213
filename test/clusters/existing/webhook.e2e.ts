// The existing-cluster backend end to end, with its audit webhook receiver, on
// a real kube-apiserver v1.36.4 (the local control plane, started with
// --audit-webhook-config-file in batch mode): what arrives through the webhook
// must be exactly what kube-apiserver wrote to its log file for the same
// requests, whatever order the batches arrive in.
import { randomBytes } from 'node:crypto';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ExistingCluster } from '../../../src/clusters/existing/index.js';
import { AuditWebhookReceiver } from '../../../src/clusters/existing/webhook/receiver.js';
import { CertificateAuthority, type PemPair } from '../../../src/clusters/common/pki.js';
import { LocalControlPlane } from '../../../src/clusters/local/index.js';
import { type AuditEvent, ClusterError } from '../../../src/clusters/types.js';
import { summariseEvents } from '../../../src/e2e/events.js';
import { withSentinelRule } from '../../../src/e2e/sentinel.js';
import { AuditSession } from '../../../src/e2e/session.js';
import type { HttpRequest } from '../../../src/request/types.js';
import { obtainBinaries } from '../../e2e/support.js';

const { binaries, reason } = await obtainBinaries();

const policyTexts = {
  staging: `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: None
  users: [bob]
- level: Request
  resources:
  - group: ""
    resources: [secrets]
- level: Metadata
`,
  other: 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: RequestResponse\n',
};
const policies = { staging: '', other: '' };

function install(file: string, text: string) {
  const sentinel = withSentinelRule(text);
  if (!sentinel.ok) throw new Error(sentinel.problem);
  return { file, withSentinel: sentinel.text };
}

/** GET /version presenting `pair`: 200 once kube-apiserver trusts its CA, 401 before. */
function versionStatus(port: number, ca: string, pair: PemPair): Promise<number> {
  return new Promise((resolve) => {
    const req = httpsRequest({ host: '127.0.0.1', port, path: '/version', ca, cert: pair.cert, key: pair.key }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

const alice = { kind: 'user', name: 'alice', groups: ['dev'] } as const;
const bob = { kind: 'user', name: 'bob', groups: [] } as const;
const get = (url: string, identity: HttpRequest['identity']): HttpRequest => ({ method: 'GET', url, identity });

describe.skipIf(!binaries)(`existing backend over the audit webhook (batch mode) on the real kube-apiserver${reason ? ` — ${reason}` : ''}`, () => {
  let dir: string;
  let receiver: AuditWebhookReceiver;
  let local: LocalControlPlane;
  let cluster: ExistingCluster;
  let session: AuditSession;
  let kubeconfig: string;
  let caCert: string;
  let caKey: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'auditspec-webhook-e2e-'));
    for (const name of ['staging', 'other'] as const) {
      policies[name] = join(dir, `${name}.yaml`);
      await writeFile(policies[name], policyTexts[name]);
    }
    receiver = await AuditWebhookReceiver.start({ settleMs: 500 });
    const webhookConfig = join(dir, 'webhook.kubeconfig');
    await writeFile(webhookConfig, receiver.webhookKubeconfig());
    // The "staging operator's" admin credentials: a static token in system:masters.
    const adminToken = randomBytes(16).toString('hex');
    await writeFile(join(dir, 'tokens.csv'), `${adminToken},staging-admin,staging-admin,"system:masters"\n`);
    local = await LocalControlPlane.start(install(policies.staging, await readFile(policies.staging, 'utf8')), {
      binaries,
      extraApiserverFlags: [
        `--audit-webhook-config-file=${webhookConfig}`,
        '--audit-webhook-mode=batch',
        // Small batches sent often: many batches, each from its own goroutine, so
        // delivery order is really up to chance.
        '--audit-webhook-batch-max-size=3',
        '--audit-webhook-batch-max-wait=1s',
        `--token-auth-file=${join(dir, 'tokens.csv')}`,
      ],
    });
    // A client CA the "operator" hands to CI: appended to kube-apiserver's
    // --client-ca-file, which kube-apiserver reloads when the file changes.
    const authority = await CertificateAuthority.create('staging-client-ca');
    const pem = authority.pem;
    caCert = join(dir, 'client-ca.crt');
    caKey = join(dir, 'client-ca.key');
    await writeFile(caCert, pem.cert);
    await writeFile(caKey, pem.key);
    // (A PEM may lack its final newline; a bundle needs one between certificates.)
    await appendFile(join(local.runDir, 'pki', 'ca.crt'), `\n${pem.cert}`);
    const probe = await authority.client({ commonName: 'ca-reload-probe', organizations: [] });
    const deadline = Date.now() + 120_000;
    let status = 0;
    while ((status = await versionStatus(local.apiserverPort!, local.caCertificate, probe)) !== 200) {
      if (Date.now() > deadline) throw new Error(`kube-apiserver never reloaded --client-ca-file (GET /version: ${status})`);
      await sleep(250);
    }
    kubeconfig = join(dir, 'staging.kubeconfig');
    await writeFile(
      kubeconfig,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'staging', cluster: { server: `https://127.0.0.1:${local.apiserverPort}`, 'certificate-authority-data': Buffer.from(local.caCertificate).toString('base64') } }],
        users: [{ name: 'admin', user: { token: adminToken } }],
        contexts: [{ name: 'staging', context: { cluster: 'staging', user: 'admin' } }],
        'current-context': 'staging',
      }),
    );
    cluster = await ExistingCluster.start(install(policies.staging, await readFile(policies.staging, 'utf8')), {
      kubeconfig,
      auditLog: 'webhook',
      webhookReceiver: receiver,
      clientCaCertFile: caCert,
      clientCaKeyFile: caKey,
      firstEventTimeoutMs: 60_000,
      log: (line) => process.stderr.write(`${line}\n`),
    });
    session = new AuditSession('existing', { cluster });
    // What the path check left in the file log is not this test's business.
    await local.readNewEvents();
  }, 600_000);

  afterAll(async () => {
    await session?.stop();
    await local?.stop();
    await receiver?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('sees through the webhook exactly what kube-apiserver wrote to its log file, batch after batch', async () => {
    const requests: HttpRequest[] = [];
    for (let i = 0; i < 12; i++) {
      requests.push(get(`/api/v1/namespaces/ns-${i}/pods`, alice));
      requests.push(get(`/api/v1/namespaces/ns-${i}/secrets/s-${i}`, alice));
      requests.push(get(`/api/v1/namespaces/ns-${i}/configmaps`, bob));
    }
    requests.push(get('/api/v1/namespaces', { kind: 'anonymous' }));
    requests.push(get('/api/v1/namespaces', { kind: 'failed-authentication' }));
    requests.push(get('/api/v1/namespaces/default/pods', { kind: 'impersonating', caller: { name: 'alice', groups: ['dev'] }, as: { name: 'carol', groups: ['qa'] } }));
    requests.push(get('/api/v1/namespaces/default/pods?watch=true', alice));

    const outcomes = await session.run(policies.staging, requests);
    const fromFile = new Map<string, AuditEvent[]>();
    for (const event of await local.readNewEvents()) {
      const list = fromFile.get(event.auditID) ?? [];
      list.push(event);
      fromFile.set(event.auditID, list);
    }
    for (const [i, outcome] of outcomes.entries()) {
      const written = fromFile.get(outcome.auditID) ?? [];
      expect({ i, ...summariseEvents(outcome.events) }).toEqual({ i, ...summariseEvents(written) });
      // The very same events, field for field.
      expect(outcome.events).toEqual(written);
    }
    // And what the policy says, so this is not two empty lists agreeing.
    const by = (i: number) => ({ level: outcomes[i].level, stages: outcomes[i].stages });
    expect(by(0)).toEqual({ level: 'Metadata', stages: ['ResponseComplete'] });
    expect(by(1)).toEqual({ level: 'Request', stages: ['ResponseComplete'] });
    expect(by(2)).toEqual({ level: 'None', stages: [] });
    expect(by(36)).toEqual({ level: 'Metadata', stages: ['ResponseComplete'] });
    // Failed authentication is audited by its own handler, at ResponseStarted only.
    expect(by(37)).toEqual({ level: 'Metadata', stages: ['ResponseStarted'] });
    expect(outcomes[37].status).toBe(401);
    const impersonated = outcomes[38].events[0] as { impersonatedUser?: { username?: string } };
    expect(impersonated.impersonatedUser?.username).toBe('carol');
    expect(outcomes[39].stages).toEqual(['ResponseStarted', 'ResponseComplete']);
    expect(receiver.stats.batches).toBeGreaterThan(5);
    // How often a batch really overtook the sentinel's (chance; reported, not asserted).
    process.stderr.write(`webhook: ${receiver.stats.batches} batches, ${receiver.stats.afterSentinel} event(s) arrived after a sentinel, ${receiver.stats.duplicates} duplicate(s)\n`);
  }, 180_000);

  it('refuses to switch a cluster it cannot install policies on, keeping the running one', async () => {
    const text = await readFile(policies.other, 'utf8');
    await expect(cluster.switchPolicy(install(policies.other, text))).rejects.toThrow(ClusterError);
    await expect(cluster.switchPolicy(install(policies.other, text))).rejects.toThrow(/cannot switch it/);
    const [o] = await session.run(policies.staging, [get('/api/v1/namespaces/default/secrets', alice)]);
    expect(o.level).toBe('Request');
  }, 120_000);

  it('says why when no event ever arrives (a receiver kube-apiserver does not know)', async () => {
    const stranger = await AuditWebhookReceiver.start({ settleMs: 0 });
    try {
      const error = await ExistingCluster.start(install(policies.staging, await readFile(policies.staging, 'utf8')), {
        kubeconfig,
        auditLog: 'webhook',
        webhookReceiver: stranger,
        clientCaCertFile: caCert,
        clientCaKeyFile: caKey,
        firstEventTimeoutMs: 3000,
      }).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(ClusterError);
      expect((error as Error).message).toMatch(/no audit events arrived from the audit webhook receiver/);
      expect((error as Error).message).toMatch(/never connected/);
    } finally {
      await stranger.close();
    }
  }, 60_000);
});
