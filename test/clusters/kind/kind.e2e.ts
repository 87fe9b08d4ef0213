// --cluster kind for real: runs only where a Docker engine answers and kind is
// installed (skipped otherwise, saying so). Creates a cluster, proves levels
// and stages, switches the policy in place, refuses a bad policy keeping the
// previous one, and deletes everything at the end.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KindCluster } from '../../../src/clusters/kind/index.js';
import { runCommand } from '../../../src/clusters/kind/commands.js';
import { ClusterError } from '../../../src/clusters/types.js';
import { withSentinelRule } from '../../../src/e2e/sentinel.js';
import { AuditSession } from '../../../src/e2e/session.js';
import type { HttpRequest } from '../../../src/request/types.js';
import { kindSkipReason } from '../dockerAvailable.js';

const reason = kindSkipReason();
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
    cluster = await KindCluster.start({ file: files.first, withSentinel: sentinel.text }, { name: NAME, log: (l) => process.stderr.write(`${l}\n`) });
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
    const clusters = await runCommand('kind', ['get', 'clusters']);
    expect(clusters.stdout.split('\n')).not.toContain(NAME);
    expect(existsSync(workspace)).toBe(false);
  }, 300_000);
});
