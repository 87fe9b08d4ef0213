// --cluster containers for real: runs only where a Docker engine answers
// (skipped otherwise, saying so). etcd and kube-apiserver v1.36.4 from their
// release images; levels, identities, a policy switch, and cleanup.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContainersCluster } from '../../../src/clusters/containers/index.js';
import { withSentinelRule } from '../../../src/e2e/sentinel.js';
import { AuditSession } from '../../../src/e2e/session.js';
import type { HttpRequest } from '../../../src/request/types.js';
import { dockerSkipReason } from '../dockerAvailable.js';

const reason = dockerSkipReason();

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
