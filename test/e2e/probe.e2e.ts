// `auditspec probe` through the CLI entry point, on the real kube-apiserver.
import { writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { obtainBinaries, writePolicies } from './support.js';

const { binaries, reason } = await obtainBinaries();

const policies = writePolicies({
  policy: `apiVersion: audit.k8s.io/v1
kind: Policy
rules:
- level: None
  users: [bob]
- level: RequestResponse
  resources: [{group: "", resources: [secrets]}]
- level: Metadata
`,
  broken: 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  verbs: get\n',
  // Both loaded by kube-apiserver 1.36.4 as the plain file; the sentinel rule must fit them too.
  crOnly: 'apiVersion: audit.k8s.io/v1\rkind: Policy\rrules:\r- level: None\r  users: [bob]\r- level: Metadata\r',
  twoDocuments: 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n  users: [bob]\n- level: Metadata\n---\nrules:\n- level: RequestResponse\n',
});
const dir = dirname(policies.policy);

describe.skipIf(!binaries)(`auditspec probe${reason ? ` — ${reason}` : ''}`, () => {
  it('prints one result per input line, in order, with error objects for malformed lines', async () => {
    const requests = join(dir, 'requests.jsonl');
    writeFileSync(
      requests,
      [
        '{"method":"GET","url":"/api/v1/namespaces/default/secrets/db","user":{"username":"alice","groups":["dev"]}}',
        '{"method":"GET","url":"/api/v1/namespaces"}',
        '{"method":"GET","url":"/api/v1/namespaces","user":{"username":"bob"}}',
        'not json',
        '',
        '{"method":"GET","url":"/api/v1/watch/namespaces/default/pods","user":{"username":"alice"}}',
      ].join('\n'),
    );
    const { code, stdout } = await runCli(['probe', policies.policy, '--requests', requests, '--cluster', 'local']);
    expect(code).toBe(0);
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatchObject({ status: 403, level: 'RequestResponse', stages: ['RequestReceived', 'ResponseComplete'] });
    expect(lines[1]).toMatchObject({ status: 401, level: 'Metadata', stages: ['ResponseStarted'] });
    expect(lines[2]).toMatchObject({ status: 403, level: 'None', stages: [] });
    expect(lines[3]).toMatchObject({ line: 4, error: expect.stringMatching(/not JSON/) });
    expect(lines[4]).toMatchObject({ level: 'Metadata', stages: ['RequestReceived', 'ResponseStarted', 'ResponseComplete'] });
    for (const l of [lines[0], lines[1], lines[2], lines[4]]) expect(typeof l.auditID).toBe('string');
  });

  it('runs policies written with CR-only line ends or followed by a second YAML document, as kube-apiserver loads them', async () => {
    const requests = join(dir, 'two.jsonl');
    writeFileSync(
      requests,
      [
        '{"method":"GET","url":"/api/v1/namespaces/default/pods","user":{"username":"bob"}}',
        '{"method":"GET","url":"/api/v1/namespaces/default/pods","user":{"username":"alice"}}',
      ].join('\n'),
    );
    for (const policy of [policies.crOnly, policies.twoDocuments]) {
      const { code, stdout, stderr } = await runCli(['probe', policy, '--requests', requests, '--cluster', 'local']);
      expect(stderr).not.toMatch(/sentinel/);
      expect(code).toBe(0);
      const lines = stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      // The second document is never read: alice is at Metadata, not RequestResponse.
      expect(lines.map((l) => l.level)).toEqual(['None', 'Metadata']);
    }
  });

  it("exits 1 with kube-apiserver's message for a policy it refuses, 2 for usage mistakes", async () => {
    const requests = join(dir, 'one.jsonl');
    writeFileSync(requests, '{"method":"GET","url":"/healthz"}\n');
    const refused = await runCli(['probe', policies.broken, '--requests', requests]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/auditspec probe: loading audit policy file: .*from file .*broken\.yaml/);
    expect((await runCli(['probe', policies.policy, '--requests', join(dir, 'missing.jsonl')])).code).toBe(2);
    expect((await runCli(['probe', policies.policy, '--requests', requests, '--format', 'xml'])).code).toBe(2);
    expect((await runCli(['probe', policies.policy, '--requests', requests, '--cluster', 'nowhere'])).code).toBe(2);
  });
});
