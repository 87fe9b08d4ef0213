// --cluster containers for real: runs only where a Docker engine answers
// (skipped otherwise, saying so; CI installs and starts one, so there it runs).
// etcd and kube-apiserver v1.36.4 from the release images or their local
// builds (auditspec setup --cluster containers); levels, identities, a policy
// switch, the same answers as the local backend, and cleanup after a stop, an
// interrupt and a SIGKILL of the runner.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContainersCluster } from '../../../src/clusters/containers/index.js';
import { withSentinelRule } from '../../../src/e2e/sentinel.js';
import { AuditSession } from '../../../src/e2e/session.js';
import type { HttpRequest } from '../../../src/request/types.js';
import { dockerSkipReason } from '../dockerAvailable.js';

const reason = dockerSkipReason();
const CLI = fileURLToPath(new URL('../../../bin/auditspec.js', import.meta.url));

const texts = {
  first: 'apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\nrules:\n- level: None\n  users: [bob]\n- level: Metadata\n',
  second: 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: RequestResponse\n',
};
const alice = { kind: 'user', name: 'alice', groups: ['dev'] } as const;
const get = (url: string, identity: HttpRequest['identity']): HttpRequest => ({ method: 'GET', url, identity });

describe.skipIf(reason !== undefined)(`--cluster containers on Docker${reason ? ` — ${reason}` : ''}`, () => {
  let dir: string;
  const files = { first: '', second: '' };
  let cluster: ContainersCluster;
  let session: AuditSession;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'auditspec-containers-e2e-'));
    for (const key of ['first', 'second'] as const) {
      files[key] = join(dir, `${key}.yaml`);
      await writeFile(files[key], texts[key]);
    }
    const sentinel = withSentinelRule(texts.first);
    if (!sentinel.ok) throw new Error(sentinel.problem);
    cluster = await ContainersCluster.start({ file: files.first, withSentinel: sentinel.text }, { log: (l) => process.stderr.write(`${l}\n`) });
    session = new AuditSession('containers', { cluster });
  }, 600_000);

  afterAll(async () => {
    await session?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('logs as the policy says, for each kind of identity', async () => {
    const [a, b, anon, failed] = await session.run(files.first, [
      get('/api/v1/namespaces/default/pods', alice),
      get('/api/v1/namespaces/default/pods', { kind: 'user', name: 'bob', groups: [] }),
      get('/api/v1/namespaces', { kind: 'anonymous' }),
      get('/api/v1/namespaces', { kind: 'failed-authentication' }),
    ]);
    expect(a).toMatchObject({ level: 'Metadata', stages: ['ResponseComplete'], status: 403 });
    expect(b).toMatchObject({ level: 'None', stages: [] });
    expect(anon.level).toBe('Metadata');
    expect(failed).toMatchObject({ status: 401, stages: ['ResponseStarted'] });
  }, 300_000);

  it('switches policy by starting a new kube-apiserver container, keeping etcd', async () => {
    const [o] = await session.run(files.second, [get('/api/v1/namespaces/default/pods', { kind: 'user', name: 'bob', groups: [] })]);
    expect(o).toMatchObject({ level: 'RequestResponse', stages: ['RequestReceived', 'ResponseComplete'] });
  }, 300_000);

  it('removes its run directory at the end', async () => {
    const runDir = cluster.runDir;
    await session.stop();
    expect(existsSync(runDir)).toBe(false);
  }, 120_000);
});

// The same HTTP-shaped lines through `auditspec probe` on both backends: the
// same kube-apiserver program must log the same level and stages for each.
const PROBE_POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: None
  users: [system:kube-proxy]
  verbs: [watch]
- level: Metadata
  resources: [{group: "", resources: [secrets, configmaps]}]
- level: RequestResponse
  resources: [{group: rbac.authorization.k8s.io}]
- level: Request
  verbs: [create, update, patch, delete]
- level: None
  nonResourceURLs: [/healthz*, /readyz, /livez]
- level: Metadata
  omitStages: [ResponseStarted]
`;
const PROBE_LINES = [
  '{"method":"GET","url":"/api/v1/namespaces/default/secrets/db","user":{"username":"alice","groups":["dev"]}}',
  '{"method":"GET","url":"/api/v1/namespaces/default/secrets","user":{"username":"admin","groups":["system:masters"]}}',
  '{"method":"GET","url":"/api/v1/namespaces"}',
  '{"method":"GET","url":"/healthz","user":{"username":"alice"}}',
  '{"method":"GET","url":"/api/v1/watch/namespaces/default/endpoints?timeoutSeconds=1","user":{"username":"system:kube-proxy","groups":["system:node-proxier"]}}',
  '{"method":"GET","url":"/api/v1/namespaces/default/pods?watch=true&timeoutSeconds=1","user":{"username":"alice","groups":["dev"]}}',
  '{"method":"POST","url":"/api/v1/namespaces/default/configmaps","user":{"username":"admin","groups":["system:masters"]},"body":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"probe"}}}',
  '{"method":"DELETE","url":"/api/v1/namespaces/default/pods/nope","user":{"username":"admin","groups":["system:masters"]}}',
  '{"method":"GET","url":"/apis/rbac.authorization.k8s.io/v1/clusterroles","user":{"username":"admin","groups":["system:masters"]}}',
  '{"method":"GET","url":"/api/v1/nodes","user":{"username":"bob"},"impersonate":{"username":"carol","groups":["ops"]}}',
  '{"method":"GET","url":"/version","user":{"username":"alice"}}',
].join('\n');

describe.skipIf(reason !== undefined)(`probe on --cluster containers and --cluster local${reason ? ` — ${reason}` : ''}`, () => {
  it('prints the same status, level and stages per line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'auditspec-containers-probe-'));
    try {
      const policy = join(dir, 'policy.yaml');
      const requests = join(dir, 'requests.jsonl');
      await writeFile(policy, PROBE_POLICY);
      await writeFile(requests, PROBE_LINES);
      const probe = (cluster: string) => {
        const run = spawnSync(process.execPath, [CLI, 'probe', policy, '--requests', requests, '--cluster', cluster], { encoding: 'utf8', timeout: 540_000 });
        expect(run.status, run.stderr).toBe(0);
        return run.stdout
          .trim()
          .split('\n')
          .map((line) => {
            const r = JSON.parse(line) as { status?: number; level?: string; stages?: string[]; error?: string };
            return r.error ?? { status: r.status, level: r.level, stages: r.stages };
          });
      };
      const local = probe('local');
      const containers = probe('containers');
      expect(local).toHaveLength(PROBE_LINES.split('\n').length);
      // Not all alike: the lines exercise different rules.
      expect(new Set(local.map((r) => JSON.stringify(r))).size).toBeGreaterThan(4);
      expect(containers).toEqual(local);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 600_000);
});

/**
 * What the engine holds now that auditspec or testcontainers could have made:
 * containers (all states) and networks carrying either's labels, by id. (Other
 * users of the same engine come and go meanwhile; they are not ours to count.)
 */
function engineObjects(): string[] {
  const ids = (args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).split('\n').filter(Boolean);
  const ours = ['label=io.auditspec.run', 'label=org.testcontainers'];
  return [
    ...new Set(ours.flatMap((filter) => [...ids(['ps', '-aq', '--no-trunc', '--filter', filter]), ...ids(['network', 'ls', '-q', '--no-trunc', '--filter', filter])])),
  ].sort();
}

describe.skipIf(reason !== undefined)(`--cluster containers cleanup without Ryuk${reason ? ` — ${reason}` : ''}`, () => {
  for (const signal of ['SIGINT', 'SIGKILL'] as const) {
    it(`${signal} of a Vitest runner holding the cluster leaves docker ps -a and docker network ls as they were`, async () => {
      const runTmp = await mkdtemp(join(tmpdir(), `auditspec-containers-${signal}-`));
      const policy = join(runTmp, 'policy.yaml');
      await writeFile(policy, texts.first);
      const ready = join(runTmp, 'ready.json');
      const before = engineObjects();
      const vitestBin = fileURLToPath(new URL('../../../node_modules/vitest/vitest.mjs', import.meta.url));
      const config = fileURLToPath(new URL('../../e2e/fixtures/hold.config.ts', import.meta.url));
      const child = spawn(process.execPath, [vitestBin, 'run', '--config', config], {
        env: { ...process.env, AUDITSPEC_HOLD_BACKEND: 'containers', AUDITSPEC_HOLD_POLICY: policy, AUDITSPEC_HOLD_READY: ready, AUDITSPEC_E2E: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      const exited = new Promise((r) => child.on('exit', r));
      try {
        if (!(await eventually(() => existsSync(ready), 240_000))) throw new Error(`the runner never got its cluster up:\n${output}`);
        expect(JSON.parse(readFileSync(ready, 'utf8'))).toMatchObject({ status: 200 });
        // Its etcd, its kube-apiserver and its network exist while it holds them.
        expect(engineObjects().filter((id) => !before.includes(id)).length).toBeGreaterThanOrEqual(3);
        child.kill(signal);
        await exited;
        const clean = await eventually(() => engineObjects().every((id) => before.includes(id)), 30_000);
        expect({ clean, left: engineObjects().filter((id) => !before.includes(id)) }).toEqual({ clean: true, left: [] });
      } finally {
        child.kill('SIGKILL');
        await rm(runTmp, { recursive: true, force: true });
      }
    }, 600_000);
  }
});

async function eventually(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return check();
}
