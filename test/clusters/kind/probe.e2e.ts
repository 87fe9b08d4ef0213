// `auditspec probe … --cluster kind` against `--cluster local`: the same
// requests, sent as their identities to a kube-apiserver in a kind node and to
// one run as a child process, are logged at the same level with the same stages.
// Runs where both backends can (Docker, kind and a node image; kube-apiserver
// and etcd binaries), skipped with the reason otherwise.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { obtainBinaries } from '../../e2e/support.js';
import { kindE2eSkipReason } from './kindAvailable.js';

const { binaries, reason: localReason } = await obtainBinaries();
const reason = kindE2eSkipReason() ?? (binaries ? undefined : localReason ?? 'no kube-apiserver/etcd binaries');

const policy = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: None
  users: [system:kube-proxy]
  verbs: [watch]
- level: RequestResponse
  resources: [{group: "", resources: [secrets]}]
  omitStages: [ResponseStarted]
- level: Request
  verbs: [create, patch]
- level: None
  nonResourceURLs: [/healthz*]
- level: Metadata
`;
const requests = [
  { method: 'GET', url: '/api/v1/namespaces/prod/secrets/db', user: { username: 'alice', groups: ['dev'] } },
  { method: 'GET', url: '/api/v1/watch/namespaces/default/pods', user: { username: 'alice', groups: ['dev'] } },
  { method: 'GET', url: '/api/v1/watch/endpoints', user: { username: 'system:kube-proxy', groups: [] } },
  { method: 'POST', url: '/apis/apps/v1/namespaces/prod/deployments', user: { username: 'alice', groups: ['dev'] } },
  { method: 'GET', url: '/api/v1/namespaces' },
  { method: 'GET', url: '/healthz', user: { username: 'bob', groups: [] } },
  { method: 'GET', url: '/api/v1/nodes', user: { username: 'carol', groups: ['system:masters'] } },
];

async function probe(cluster: 'local' | 'kind', policyFile: string, requestsFile: string): Promise<{ level: string; stages: string[] }[]> {
  const { code, stdout } = await runCli(['probe', policyFile, '--requests', requestsFile, '--cluster', cluster]);
  expect(code).toBe(0);
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const { level, stages } = JSON.parse(line) as { level: string; stages: string[] };
      return { level, stages };
    });
}

describe.skipIf(reason !== undefined)(`auditspec probe --cluster kind${reason ? ` — ${reason}` : ''}`, () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'auditspec-kind-probe-'));
    await writeFile(join(dir, 'policy.yaml'), policy);
    await writeFile(join(dir, 'requests.jsonl'), requests.map((r) => JSON.stringify(r)).join('\n'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('prints the same level and stages per line as --cluster local', async () => {
    const policyFile = join(dir, 'policy.yaml');
    const requestsFile = join(dir, 'requests.jsonl');
    const local = await probe('local', policyFile, requestsFile);
    const kind = await probe('kind', policyFile, requestsFile);
    expect(local).toHaveLength(requests.length);
    expect(kind).toEqual(local);
    // Not trivially equal: the lines cover every level and more than one stage list.
    expect(new Set(local.map((r) => r.level))).toEqual(new Set(['None', 'Metadata', 'Request', 'RequestResponse']));
    expect(new Set(local.map((r) => r.stages.join(','))).size).toBeGreaterThan(2);
  }, 900_000);
});
