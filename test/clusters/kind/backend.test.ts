// The kind backend without Docker: fake `docker` and `kind` executables on PATH
// (test/clusters/kind/fakes) stand in for the real ones, so the command lines,
// the generated config and the error messages are checked for real.
import { existsSync, readdirSync } from 'node:fs';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { KindCluster, kindCreateArgs, planKindStart, type Run } from '../../../src/clusters/kind/backend.js';
import { kindCreateFailure, requireDocker, requireKind, runCommand } from '../../../src/clusters/kind/commands.js';
import { NodeFileTail, openAuditLog } from '../../../src/clusters/kind/nodeLog.js';
import { annotateManifest, manifestPolicyHash, parseCrictlContainers, restartState } from '../../../src/clusters/kind/staticPod.js';
import type { KindClusterRecord } from '../../../src/clusters/kind/workspace.js';
import { ClusterError } from '../../../src/clusters/types.js';
import { SENTINEL_USER, withSentinelRule } from '../../../src/e2e/sentinel.js';

const FAKES = fileURLToPath(new URL('./fakes/', import.meta.url));

let dir: string;
let log: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'auditspec-kind-fakes-'));
  log = join(dir, 'invocations.log');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await writeFile(log, '');
});

/** Runs commands with only the fakes (and the system's basics) on PATH. */
function fakeRun(env: Record<string, string>, path = `${FAKES}${delimiter}/usr/bin${delimiter}/bin`): Run {
  return (command, args, options = {}) =>
    runCommand(command, args, { ...options, env: { PATH: path, FAKE_LOG: log, FAKE_DIR: dir, HOME: dir, ...env } });
}
const invocations = async () => (await readFile(log, 'utf8')).split('\n').filter(Boolean);

describe('Docker and kind preflight', () => {
  it('says the docker CLI is missing, or that no engine answers, or that the socket is not ours', async () => {
    await expect(requireDocker(fakeRun({}, '/nonexistent'))).rejects.toThrow(/docker CLI is not installed/);
    await expect(requireDocker(fakeRun({ FAKE_DOCKER: 'no-engine' }))).rejects.toThrow(/^Docker is not running/);
    await expect(requireDocker(fakeRun({ FAKE_DOCKER: 'no-permission' }))).rejects.toThrow(/may not talk to Docker.*"docker" group/);
    expect(await requireDocker(fakeRun({}))).toBe('27.3.1');
  });

  it('says kind is missing, and where to get it', async () => {
    const onlyDocker = await mkdtemp(join(dir, 'bin-'));
    await writeFile(join(onlyDocker, 'docker'), await readFile(join(FAKES, 'docker')), { mode: 0o755 });
    await expect(requireKind(fakeRun({}, `${onlyDocker}${delimiter}/usr/bin${delimiter}/bin`))).rejects.toThrow(
      /kind is not installed.*kind\.sigs\.k8s\.io.*--cluster containers/,
    );
    expect(await requireKind(fakeRun({}))).toMatch(/^kind v0\.33\.0/);
  });
});

describe('kind create failures, in words', () => {
  it('maps each known failure to its reason', () => {
    expect(kindCreateFailure('ERROR: failed to create cluster: node(s) already exist for a cluster with the name "x"', 'x', 'img').message).toMatch(
      /^cluster name taken: a kind cluster named "x" already exists/,
    );
    expect(kindCreateFailure('ERROR: failed to create cluster: failed to pull image "kindest/node:v9": exit status 1', 'x', 'kindest/node:v9').message).toMatch(
      /^could not pull the kind node image kindest\/node:v9/,
    );
    expect(kindCreateFailure('ERROR: failed to create cluster: failed to init node with kubeadm: exit status 1', 'x', 'img').message).toMatch(/^kubeadm init failed/);
    expect(kindCreateFailure('Cannot connect to the Docker daemon at unix:///var/run/docker.sock', 'x', 'img').message).toMatch(/^Docker is not running/);
    const other = kindCreateFailure('something else\nentirely', 'x', 'img');
    expect(other.message).toMatch(/^kind create cluster failed\n--- last log lines ---\nsomething else\nentirely$/);
  });

  it('builds the create command line without touching the user\'s kubeconfig', () => {
    expect(kindCreateArgs('auditspec', '/w/kind-config.yaml', '/w/kubeconfig', false)).toEqual([
      'create', 'cluster', '--name', 'auditspec', '--config', '/w/kind-config.yaml', '--kubeconfig', '/w/kubeconfig',
    ]);
    expect(kindCreateArgs('a', 'c', 'k', true)).toContain('--retain');
  });
});

describe('KindCluster.start against fake docker and kind', () => {
  let policy: { file: string; withSentinel: string };
  beforeAll(async () => {
    const file = join(dir, 'policy.yaml');
    const text = 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n';
    await writeFile(file, text);
    const sentinel = withSentinelRule(text);
    if (!sentinel.ok) throw new Error(sentinel.problem);
    policy = { file, withSentinel: sentinel.text };
  });

  const start = (env: Record<string, string>, options: Parameters<typeof KindCluster.start>[1] = {}) =>
    KindCluster.start(policy, { name: 'auditspec-test', tmpRoot: dir, run: fakeRun(env), kindBin: 'kind', ...options });
  const workspaces = () => readdirSync(dir).filter((n) => n.startsWith('auditspec-kind-'));

  it('refuses a policy kube-apiserver would refuse before running anything', async () => {
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: []\n');
    const err = await KindCluster.start({ file: bad, withSentinel: '' }, { run: fakeRun({}) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterError);
    expect((err as ClusterError).policyRejected).toBe(true);
    expect((err as Error).message).toMatch(/^loading audit policy file: .*0 rules.*: from file /);
    expect(await invocations()).toEqual([]);
  });

  it('reports a taken name without creating anything', async () => {
    const err = await start({ FAKE_CLUSTERS: 'other auditspec-test' }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^cluster name taken: a kind cluster named "auditspec-test" already exists; pass --reuse/);
    expect((await invocations()).filter((l) => l.startsWith('kind create'))).toEqual([]);
  });

  it('passes kind the rendered config with the policy (sentinel rule first) in a fresh workspace, and reports a pull failure', async () => {
    const before = workspaces();
    const err = await start({ FAKE_KIND: 'pull' }, { image: 'kindest/node:v9.9.9' }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^could not pull the kind node image kindest\/node:v9\.9\.9/);
    expect((err as Error).message).toContain('failed to pull image "kindest/node:v9.9.9"');
    const calls = await invocations();
    expect(calls.slice(0, 3)).toEqual(['docker info --format {{.ServerVersion}}', 'kind version', 'kind get clusters']);
    const create = calls.find((l) => l.startsWith('kind create cluster'))!;
    expect(create).toMatch(/^kind create cluster --name auditspec-test --config \S+\/auditspec-kind-\w+\/kind-config\.yaml --kubeconfig \S+\/kubeconfig$/);
    const config = parse(await readFile(join(dir, 'last-config.yaml'), 'utf8'));
    expect(config.name).toBe('auditspec-test');
    expect(config.nodes[0].image).toBe('kindest/node:v9.9.9');
    expect(config.nodes[0].extraMounts[0].hostPath).toMatch(/\/auditspec-kind-\w+\/policy$/);
    // What was in the mounted directory when kind ran: the policy with the sentinel rule first.
    expect(await readFile(join(dir, 'last-policy', 'audit-policy.yaml'), 'utf8')).toBe(policy.withSentinel);
    expect(policy.withSentinel).toContain(SENTINEL_USER);
    // The failed run leaves nothing behind (kind removes its own half-made cluster).
    expect(workspaces()).toEqual(before);
    expect(calls.some((l) => l.startsWith('kind delete'))).toBe(false);
  });

  it('explains a kubeadm failure and where to look', async () => {
    const err = await start({ FAKE_KIND: 'kubeadm' }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^kubeadm init failed on the kind node.*AUDITSPEC_KIND_RETAIN=1/s);
  });

  it('says Docker is not running before anything else', async () => {
    const err = await start({ FAKE_DOCKER: 'no-engine' }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^Docker is not running/);
    expect(await invocations()).toEqual(['docker info --format {{.ServerVersion}}']);
  });
});

describe('planKindStart', () => {
  const record: KindClusterRecord = { createdBy: 'auditspec', clusterName: 'a', nodeImage: 'i', configSha256: 'c', policySha256: 'p1' };
  it('creates, reuses, switches or refuses', () => {
    expect(planKindStart({ name: 'a', exists: false, reuse: false, record: undefined, policySha256: 'p1' })).toEqual({ action: 'create' });
    expect(planKindStart({ name: 'a', exists: false, reuse: true, record, policySha256: 'p1' })).toEqual({ action: 'create' });
    expect(planKindStart({ name: 'a', exists: true, reuse: true, record, policySha256: 'p1' })).toEqual({ action: 'reuse', switchPolicy: false });
    expect(planKindStart({ name: 'a', exists: true, reuse: true, record, policySha256: 'p2' })).toEqual({ action: 'reuse', switchPolicy: true });
    expect(planKindStart({ name: 'a', exists: true, reuse: false, record, policySha256: 'p1' })).toMatchObject({ action: 'refuse', reason: expect.stringMatching(/pass --reuse/) });
    expect(planKindStart({ name: 'a', exists: true, reuse: true, record: undefined, policySha256: 'p1' })).toMatchObject({
      action: 'refuse',
      reason: expect.stringMatching(/not created by auditspec/),
    });
  });
});

describe('switching policy by restarting the static pod', () => {
  const manifest = `apiVersion: v1
kind: Pod
metadata:
  annotations:
    kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint: 172.18.0.2:6443
  labels:
    component: kube-apiserver
  name: kube-apiserver
  namespace: kube-system
spec:
  containers:
  - command:
    - kube-apiserver
    - --audit-policy-file=/etc/kubernetes/policies/audit-policy.yaml
    name: kube-apiserver
`;
  it('changes only the policy annotation, so the kubelet sees a new pod', () => {
    const once = annotateManifest(manifest, 'aaa');
    expect(manifestPolicyHash(once)).toBe('aaa');
    expect(parse(once).spec).toEqual(parse(manifest).spec);
    expect(parse(once).metadata.annotations['kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint']).toBe('172.18.0.2:6443');
    const twice = annotateManifest(once, 'bbb');
    expect(manifestPolicyHash(twice)).toBe('bbb');
    expect(twice).not.toBe(once);
    expect(() => annotateManifest('kind: Service\n', 'x')).toThrow(/not a Pod/);
  });

  it('tells a new running kube-apiserver from one that refused to start', () => {
    const ps = JSON.stringify({
      containers: [
        { id: 'old', state: 'CONTAINER_EXITED', createdAt: '1700000000000000000' },
        { id: 'new', state: 'CONTAINER_RUNNING', createdAt: '1700000100000000000' },
      ],
    });
    const containers = parseCrictlContainers(ps);
    expect(containers.map((c) => c.id)).toEqual(['new', 'old']);
    expect(restartState(new Set(['old']), containers)).toEqual({ kind: 'running', id: 'new' });
    expect(restartState(new Set(['old', 'new']), containers)).toEqual({ kind: 'waiting' });
    // The kubelet started the new pod but the old kube-apiserver still runs (and may answer /readyz): not yet.
    const overlapping = parseCrictlContainers(
      JSON.stringify({
        containers: [
          { id: 'old', state: 'CONTAINER_RUNNING', createdAt: '1700000000000000000' },
          { id: 'new', state: 'CONTAINER_RUNNING', createdAt: '1700000100000000000' },
        ],
      }),
    );
    expect(restartState(new Set(['old']), overlapping)).toEqual({ kind: 'waiting' });
    const crashed = parseCrictlContainers(JSON.stringify({ containers: [{ id: 'c1', state: 'CONTAINER_EXITED', createdAt: '5' }] }));
    expect(restartState(new Set(['old']), crashed)).toEqual({ kind: 'exited', id: 'c1' });
  });
});

describe('reading the node\'s audit log through docker exec', () => {
  const line = (id: string, extra = '') => `${JSON.stringify({ auditID: id, stage: 'ResponseComplete', level: 'Metadata', extra })}\n`;

  it('reads only new bytes, across a multi-byte character split between reads, starting at the end', async () => {
    const file = join(dir, 'node-audit.log');
    await writeFile(file, line('old') + line('half').slice(0, 12));
    const tail = new NodeFileTail('auditspec-test-control-plane', file, true, fakeRun({}));
    expect(await tail.readNew()).toEqual([]);
    const text = line('half').slice(12) + line('é', 'ü');
    const bytes = Buffer.from(text);
    // Stop in the middle of "é".
    const cut = bytes.indexOf(Buffer.from('é')) + 1;
    await appendFile(file, bytes.subarray(0, cut));
    expect(await tail.readNew()).toEqual([]);
    await appendFile(file, bytes.subarray(cut));
    expect((await tail.readNew()).map((e) => [e.auditID, e.extra])).toEqual([['é', 'ü']]);
    expect((await invocations()).every((l) => l.startsWith('docker exec auditspec-test-control-plane sh -c'))).toBe(true);
  });

  it('uses the mounted host file when it is readable, docker exec otherwise', async () => {
    const hostFile = join(dir, 'host-audit.log');
    await writeFile(hostFile, '');
    expect((await openAuditLog(hostFile, 'n', '/x', true)).description).toContain('mounted from n');
    expect(existsSync(join(dir, 'missing.log'))).toBe(false);
    expect((await openAuditLog(join(dir, 'missing.log'), 'n', '/var/log/kubernetes/kube-apiserver-audit.log', true)).description).toBe(
      '/var/log/kubernetes/kube-apiserver-audit.log in n (docker exec)',
    );
  });
});
