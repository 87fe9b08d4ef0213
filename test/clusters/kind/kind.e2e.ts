// --cluster kind for real: runs where a Docker engine answers, kind is at hand
// and Docker holds a node image (`auditspec setup --cluster kind` provides both,
// building the image where nothing can be pulled); skipped otherwise, saying
// why. Creates a cluster, proves levels and stages, switches the policy in
// place, refuses a bad policy keeping the previous one, and deletes everything
// at the end. Then --reuse: the cluster kept across runs while the policy is
// unchanged, and a changed policy really restarting kube-apiserver, proven by
// the events in the audit log.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KUBE_APISERVER_VERSION } from '../../../src/binaries/versions.js';
import { KindCluster } from '../../../src/clusters/kind/index.js';
import { runCommand } from '../../../src/clusters/kind/commands.js';
import { ClusterError } from '../../../src/clusters/types.js';
import { withSentinelRule } from '../../../src/e2e/sentinel.js';
import { AuditSession } from '../../../src/e2e/session.js';
import type { HttpRequest } from '../../../src/request/types.js';
import { kindBin, kindE2eSkipReason } from './kindAvailable.js';

const reason = kindE2eSkipReason();
const NAME = `auditspec-e2e-${process.pid}`;

const texts = {
  first: 'apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\nrules:\n- level: None\n  users: [bob]\n- level: Metadata\n',
  second: 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Request\n  resources: [{group: "", resources: [configmaps]}]\n- level: None\n',
  bad: 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Loud\n',
};
const alice = { kind: 'user', name: 'alice', groups: ['dev'] } as const;
const get = (url: string, identity: HttpRequest['identity']): HttpRequest => ({ method: 'GET', url, identity });

describe.skipIf(reason !== undefined)(`--cluster kind on Docker${reason ? ` — ${reason}` : ''}`, () => {
  let dir: string;
  const files: Record<keyof typeof texts, string> = { first: '', second: '', bad: '' };
  let cluster: KindCluster;
  let session: AuditSession;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'auditspec-kind-e2e-'));
    for (const key of Object.keys(texts) as (keyof typeof texts)[]) {
      files[key] = join(dir, `${key}.yaml`);
      await writeFile(files[key], texts[key]);
    }
    const sentinel = withSentinelRule(texts.first);
    if (!sentinel.ok) throw new Error(sentinel.problem);
    cluster = await KindCluster.start({ file: files.first, withSentinel: sentinel.text }, { name: NAME, reuse: false, log: (l) => process.stderr.write(`${l}\n`) });
    session = new AuditSession('kind', { cluster });
  }, 900_000);

  afterAll(async () => {
    await session?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 300_000);

  it('logs as the policy says, identities included', async () => {
    const [a, b, anon] = await session.run(files.first, [
      get('/api/v1/namespaces/default/pods', alice),
      get('/api/v1/namespaces/default/pods', { kind: 'user', name: 'bob', groups: [] }),
      get('/api/v1/namespaces', { kind: 'anonymous' }),
    ]);
    expect(a).toMatchObject({ level: 'Metadata', stages: ['ResponseComplete'] });
    expect(b).toMatchObject({ level: 'None', stages: [] });
    expect(anon.level).toBe('Metadata');
  }, 300_000);

  it('runs kube-apiserver and the kubelet of the default release, the one the offline evaluator is checked against', async () => {
    const node = `${NAME}-control-plane`;
    const version = await runCommand('docker', ['exec', node, 'kubectl', '--kubeconfig=/etc/kubernetes/admin.conf', 'version', '-o', 'json']);
    expect((JSON.parse(version.stdout) as { serverVersion: { gitVersion: string } }).serverVersion.gitVersion).toBe(KUBE_APISERVER_VERSION);
    expect((await runCommand('docker', ['exec', node, 'kubelet', '--version'])).stdout.trim()).toBe(`Kubernetes ${KUBE_APISERVER_VERSION}`);
  }, 120_000);

  it('switches the policy by restarting the static pod, and refuses a bad one keeping the previous', async () => {
    const [cm] = await session.run(files.second, [get('/api/v1/namespaces/default/configmaps', alice)]);
    expect(cm).toMatchObject({ level: 'Request', stages: ['RequestReceived', 'ResponseComplete'] });
    await expect(session.run(files.bad, [get('/api/v1/namespaces', alice)])).rejects.toThrow(ClusterError);
    const [still] = await session.run(files.second, [get('/api/v1/namespaces/default/pods', alice)]);
    expect(still.level).toBe('None');
  }, 600_000);

  it('deletes the cluster and its workspace at the end', async () => {
    const workspace = cluster.workspace.root;
    await session.stop();
    const clusters = await runCommand(kindBin, ['get', 'clusters']);
    expect(clusters.stdout.split('\n')).not.toContain(NAME);
    expect(existsSync(workspace)).toBe(false);
    const leftovers = await runCommand('docker', ['ps', '-a', '--filter', `label=io.x-k8s.kind.cluster=${NAME}`, '-q']);
    expect(leftovers.stdout.trim()).toBe('');
  }, 300_000);
});

describe.skipIf(reason !== undefined)(`--cluster kind --reuse${reason ? ` — ${reason}` : ''}`, () => {
  const REUSE_NAME = `auditspec-reuse-${process.pid}`;
  const node = `${REUSE_NAME}-control-plane`;
  let dir: string;
  let auditLog = '';
  let workspace = '';
  const policies = {
    // configmaps at Metadata, RequestReceived omitted ...
    a: 'apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\nrules:\n- level: Metadata\n',
    // ... and at Request with every stage: an event only a kube-apiserver running this policy writes.
    b: 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Request\n  resources: [{group: "", resources: [configmaps]}]\n- level: None\n',
  };
  const files = { a: '', b: '' };
  const configmaps = get('/api/v1/namespaces/default/configmaps', alice);

  /** One run of auditspec with --reuse: start (or reuse) the cluster, send one request, stop (keeping it). */
  async function runOnce(policy: keyof typeof policies) {
    const sentinel = withSentinelRule(policies[policy]);
    if (!sentinel.ok) throw new Error(sentinel.problem);
    const cluster = await KindCluster.start(
      { file: files[policy], withSentinel: sentinel.text },
      { name: REUSE_NAME, reuse: true, log: (l) => process.stderr.write(`${l}\n`) },
    );
    auditLog = cluster.workspace.auditLogFile;
    workspace = cluster.workspace.root;
    const session = new AuditSession('kind', { cluster });
    try {
      const [outcome] = await session.run(files[policy], [configmaps]);
      return outcome;
    } finally {
      await session.stop();
    }
  }
  const docker = async (...args: string[]) => (await runCommand('docker', args)).stdout.trim();
  const apiserverContainer = () => docker('exec', node, 'crictl', 'ps', '--name', 'kube-apiserver', '--state', 'Running', '-q');
  /** The node's audit log events for one request (read through the node: the host file is root's 0600). */
  async function loggedEvents(auditID: string): Promise<{ level: string; stage: string }[]> {
    const text = existsSync(auditLog) ? await readFile(auditLog, 'utf8') : await docker('exec', node, 'cat', '/var/log/kubernetes/kube-apiserver-audit.log');
    return text
      .split('\n')
      .filter((l) => l.includes(auditID))
      .map((l) => JSON.parse(l) as { level: string; stage: string });
  }

  let networkBefore = true;
  beforeAll(async () => {
    networkBefore = (await runCommand('docker', ['network', 'inspect', 'kind'])).code === 0;
    dir = await mkdtemp(join(tmpdir(), 'auditspec-kind-reuse-'));
    for (const key of Object.keys(policies) as (keyof typeof policies)[]) {
      files[key] = join(dir, `${key}.yaml`);
      await writeFile(files[key], policies[key]);
    }
  });

  afterAll(async () => {
    await runCommand(kindBin, ['delete', 'cluster', '--name', REUSE_NAME]);
    // A kept cluster keeps kind's network too; this test made it, so it goes (refused while another cluster uses it).
    if (!networkBefore) await runCommand('docker', ['network', 'rm', 'kind']);
    if (workspace) await rm(workspace, { recursive: true, force: true });
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 300_000);

  it('keeps the cluster while the policy is unchanged, and restarts kube-apiserver with a changed one', async () => {
    const first = await runOnce('a');
    expect(first).toMatchObject({ level: 'Metadata', stages: ['ResponseComplete'] });
    const nodeId = await docker('inspect', '--format', '{{.Id}}', node);
    const apiserver = await apiserverContainer();
    expect(apiserver).not.toBe('');

    // Same policy: the same node and the very same kube-apiserver container.
    const again = await runOnce('a');
    expect(again.level).toBe('Metadata');
    expect(await docker('inspect', '--format', '{{.Id}}', node)).toBe(nodeId);
    expect(await apiserverContainer()).toBe(apiserver);

    // Another policy: same node, a new kube-apiserver container ...
    const switched = await runOnce('b');
    expect(await docker('inspect', '--format', '{{.Id}}', node)).toBe(nodeId);
    const restarted = await apiserverContainer();
    expect(restarted).not.toBe('');
    expect(restarted).not.toBe(apiserver);
    // ... and the audit log says it runs policy b: the same request, logged by
    // one kube-apiserver at Metadata without RequestReceived, by the next at
    // Request with it.
    expect(await loggedEvents(first.auditID)).toEqual([expect.objectContaining({ level: 'Metadata', stage: 'ResponseComplete' })]);
    expect((await loggedEvents(switched.auditID)).map((e) => [e.level, e.stage])).toEqual([
      ['Request', 'RequestReceived'],
      ['Request', 'ResponseComplete'],
    ]);
  }, 900_000);
});
