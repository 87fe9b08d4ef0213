// The existing-cluster backend's own logic against a fake kube-apiserver that
// writes one audit event per request to a log file: the proof-of-path sentinel,
// the reasons given when no event arrives, and policy installs.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ExistingCluster, parseListen } from '../../../src/clusters/existing/index.js';
import { ClusterError } from '../../../src/clusters/types.js';
import { SENTINEL_USER, withSentinelRule } from '../../../src/e2e/sentinel.js';
import { AuditSession } from '../../../src/e2e/session.js';
import { FakeApiserver, TOKEN } from './fakeApiserver.js';

describe('ExistingCluster against a fake kube-apiserver', () => {
  let dir: string;
  let fake: FakeApiserver;
  let kubeconfig: string;
  const policy = (name: string, rules = '- level: Metadata\n') => {
    const text = `apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n${rules}`;
    const sentinel = withSentinelRule(text);
    if (!sentinel.ok) throw new Error(sentinel.problem);
    return { file: join(dir, name), withSentinel: sentinel.text, text };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'auditspec-existing-'));
    fake = await FakeApiserver.start();
    kubeconfig = join(dir, 'kubeconfig');
    await writeFile(
      kubeconfig,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'c', cluster: { server: `https://127.0.0.1:${fake.port}`, 'certificate-authority-data': Buffer.from(fake.ca).toString('base64') } }],
        users: [{ name: 'u', user: { token: TOKEN } }],
        contexts: [{ name: 'staging', context: { cluster: 'c', user: 'u' } }],
        'current-context': 'staging',
      }),
    );
  });
  afterAll(async () => {
    fake?.server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('needs to be told where the events are', async () => {
    const p = policy('a.yaml');
    await expect(ExistingCluster.start(p, { kubeconfig, auditLog: undefined })).rejects.toThrow(/--audit-log <path \| command:<shell command> \| webhook> \(AUDITSPEC_AUDIT_LOG\)/);
    await expect(ExistingCluster.start(p, { kubeconfig, auditLog: 'webhook' })).rejects.toThrow(/AUDITSPEC_WEBHOOK_URL/);
  });

  it('proves the path with one sentinel request, then runs batches and reads them from the log file', async () => {
    const log = join(dir, 'audit.log');
    await writeFile(log, `${JSON.stringify({ auditID: 'before-the-run', stage: 'ResponseComplete', level: 'Metadata' })}\n`);
    fake.auditLog = log;
    const p = policy('b.yaml');
    await writeFile(p.file, p.text);
    const cluster = await ExistingCluster.start(p, { kubeconfig, auditLog: log, firstEventTimeoutMs: 5000 });
    const session = new AuditSession('existing', { cluster });
    try {
      // The identity's certificate came through the CSR API and the sentinel's request reached the server.
      expect(fake.requests.some((r) => r.user === SENTINEL_USER && r.url.startsWith('/debug/pprof/'))).toBe(true);
      const [o] = await session.run(p.file, [{ method: 'GET', url: '/api/v1/pods', identity: { kind: 'user', name: 'alice', groups: [] } }]);
      expect(o).toMatchObject({ status: 403, level: 'Metadata', stages: ['ResponseComplete'] });
      expect(o.events[0].user).toEqual({ username: 'alice' });
    } finally {
      await session.stop();
      fake.auditLog = undefined;
    }
  });

  it('says why when the sentinel never shows up: a missing file, or a policy without the sentinel rule', async () => {
    const p = policy('c.yaml');
    const missing = await ExistingCluster.start(p, { kubeconfig, auditLog: join(dir, 'nope.log'), firstEventTimeoutMs: 500 }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ClusterError);
    expect((missing as Error).message).toMatch(/no audit events arrived from the audit log file .*nope\.log within 0\.5s[\s\S]*does not exist: is it kube-apiserver's --audit-log-path/);

    // Events arrive, but never the sentinel's: a command printing someone else's events.
    const other = `command:while true; do echo '{"auditID":"x-'$$'-'$(date +%s%N)'","stage":"ResponseComplete","level":"Metadata"}'; sleep 0.05; done`;
    const noRule = await ExistingCluster.start(p, { kubeconfig, auditLog: other, firstEventTimeoutMs: 800 }).catch((e: unknown) => e);
    expect((noRule as Error).message).toMatch(/other event\(s\) arrived, but not the sentinel's: .*put auditspec's sentinel rule first/);
  });

  it('switches policies only through an install command, which gets the policy with the sentinel rule', async () => {
    const log = join(dir, 'audit2.log');
    await writeFile(log, '');
    fake.auditLog = log;
    const first = policy('d.yaml');
    const second = policy('e.yaml', '- level: Request\n');
    try {
      const fixed = await ExistingCluster.start(first, { kubeconfig, auditLog: log, firstEventTimeoutMs: 5000 });
      await expect(fixed.switchPolicy(second)).rejects.toThrow(/cannot switch it to .*e\.yaml.*AUDITSPEC_INSTALL_POLICY/);
      await fixed.switchPolicy(first); // the same policy: nothing to do
      await fixed.stop();

      const installed = join(dir, 'installed.yaml');
      const cluster = await ExistingCluster.start(first, {
        kubeconfig,
        auditLog: log,
        firstEventTimeoutMs: 5000,
        installPolicy: `cp "$AUDITSPEC_POLICY_FILE" ${installed} && echo "installed $AUDITSPEC_USER_POLICY_FILE"`,
      });
      expect(await readFile(installed, 'utf8')).toBe(first.withSentinel);
      await cluster.switchPolicy(second);
      expect(await readFile(installed, 'utf8')).toBe(second.withSentinel);
      expect(cluster.policyFile).toBe(second.file);
      await cluster.stop();

      const failing = await ExistingCluster.start(first, { kubeconfig, auditLog: log, installPolicy: 'echo "kubectl: forbidden" >&2; exit 3' }).catch((e: unknown) => e);
      expect((failing as ClusterError).message).toMatch(/the policy install command failed \(exit 3\)[\s\S]*kubectl: forbidden/);
    } finally {
      fake.auditLog = undefined;
    }
  });

  it('reads the webhook listen address', () => {
    expect(parseListen('0.0.0.0:9443')).toEqual({ host: '0.0.0.0', port: 9443 });
    expect(parseListen(':9443')).toEqual({ host: '0.0.0.0', port: 9443 });
    expect(parseListen('[::1]:9443')).toEqual({ host: '::1', port: 9443 });
    expect(() => parseListen('9443')).toThrow(/host:port/);
  });
});
