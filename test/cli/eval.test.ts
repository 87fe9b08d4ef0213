import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'auditspec-eval-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const policy = join(dir, 'policy.yaml');
writeFileSync(
  policy,
  `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: None
    users: ["system:kube-proxy"]
  - level: RequestResponse
    userGroups: ["system:masters"]
    omitManagedFields: true
  - level: Metadata
    nonResourceURLs: ["/healthz*"]
  - level: Request
    resources: [{ group: "", resources: ["pods"] }]
`,
);

const lines = (stdout: string) => stdout.trim().split('\n').map((l) => JSON.parse(l));

describe('auditspec eval', () => {
  test('one JSON object per input line, in order, HTTP-shaped and Event lines alike; an invalid line makes the exit code 1', async () => {
    const input = [
      JSON.stringify({ method: 'GET', url: '/api/v1/namespaces/a/pods/x', user: { username: 'alice', groups: ['dev'] } }),
      JSON.stringify({ method: 'GET', url: '/healthz/etcd' }),
      'this is not JSON',
      JSON.stringify({
        kind: 'Event',
        apiVersion: 'audit.k8s.io/v1',
        level: 'Metadata',
        auditID: 'a',
        stage: 'ResponseComplete',
        requestURI: '/api/v1/namespaces/a/secrets/s',
        verb: 'get',
        user: { username: 'root', groups: ['system:masters', 'system:authenticated'] },
        objectRef: { resource: 'secrets', namespace: 'a', name: 's', apiVersion: 'v1' },
      }),
      JSON.stringify({ kind: 'Event', apiVersion: 'audit.k8s.io/v1', requestURI: '/api/v1/pods', verb: 'list', user: {}, objectRef: { resource: 'pods', apiVersion: 'v1' } }),
    ].join('\n');
    const run = await runCli(['eval', policy, '--requests', '-'], `${input}\n`);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('auditspec: 1 of 5 input lines were not a request (see their "error")\n');
    const out = lines(run.stdout);
    expect(out).toHaveLength(5);
    expect(out[0]).toMatchObject({ level: 'Request', rule: 3, omitStages: ['RequestReceived'], omitManagedFields: false });
    // No user at all: failed authentication. The non-resource rule has no user conditions.
    expect(out[1]).toMatchObject({ level: 'Metadata', rule: 2, stages: ['ResponseStarted'] });
    expect(out[2]).toMatchObject({ line: 3 });
    expect(out[2].error).toMatch(/JSON/);
    expect(out[3]).toMatchObject({ level: 'RequestResponse', rule: 1, omitManagedFields: true });
    // `user: {}` in an Event means no user: the masters rule cannot match; pods rule does.
    expect(out[4]).toMatchObject({ level: 'Request', rule: 3 });
  });

  test('reads a file; the default is reported as rule null', async () => {
    const file = join(dir, 'requests.jsonl');
    writeFileSync(file, `${JSON.stringify({ method: 'GET', url: '/version', user: { username: 'bob' } })}\n`);
    const run = await runCli(['eval', policy, '--requests', file]);
    expect(run.code).toBe(0);
    expect(lines(run.stdout)).toEqual([
      { level: 'None', rule: null, omitStages: ['RequestReceived'], omitManagedFields: false, stages: [], ruleLocation: null },
    ]);
  });

  test('an invalid policy exits 1 with kube-apiserver\'s message; unreadable input exits 2', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: Foo\n');
    const invalid = await runCli(['eval', bad, '--requests', '-'], '');
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('rules[0].level: Unsupported value: "Foo": supported values: "None", "Metadata", "Request", "RequestResponse"');
    expect((await runCli(['eval', join(dir, 'missing.yaml'), '--requests', '-'], '')).code).toBe(2);
    expect((await runCli(['eval', policy, '--requests', join(dir, 'missing.jsonl')])).code).toBe(2);
    expect((await runCli(['eval', policy])).code).toBe(2);
  });

  test('a full URL is read as its path and query, and the dropped scheme and host are said once', async () => {
    const input = [
      JSON.stringify({ method: 'GET', url: 'https://10.0.0.1:6443/api/v1/namespaces/a/pods?limit=500', user: { username: 'alice' } }),
      JSON.stringify({ method: 'GET', url: 'http://localhost:8001/healthz' }),
    ].join('\n');
    const run = await runCli(['eval', policy, '--requests', '-'], `${input}\n`);
    expect(run.code).toBe(0);
    expect(lines(run.stdout)).toMatchObject([{ level: 'Request', rule: 3 }, { level: 'Metadata', rule: 2 }]);
    expect(run.stderr).toBe(
      'auditspec: line 1 (and any later full URL): scheme and host https://10.0.0.1:6443 ignored: the audit policy sees only the path and query (/api/v1/namespaces/a/pods?limit=500)\n',
    );
  });

  test('a service account username gets its token\'s groups, which rules on system:serviceaccounts match', async () => {
    const saPolicy = join(dir, 'sa.yaml');
    writeFileSync(saPolicy, 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: None\n    userGroups: ["system:serviceaccounts:ci"]\n  - level: Metadata\n');
    const line = (username: string) => JSON.stringify({ method: 'GET', url: '/api/v1/namespaces/ci/pods', user: { username } });
    const run = await runCli(['eval', saPolicy, '--requests', '-'], `${line('system:serviceaccount:ci:builder')}\n${line('system:serviceaccount:ci:a:b')}\n`);
    // The second is not a service account username (three parts), so it has no such group.
    expect(lines(run.stdout)).toMatchObject([{ level: 'None', rule: 0 }, { level: 'Metadata', rule: 1 }]);
  });

  test.skipIf(!existsSync('dist/cli/main.js'))('a reader that closes the pipe early (| head -1) ends the run quietly (needs `npm run build`)', () => {
    const file = join(dir, 'many.jsonl');
    writeFileSync(file, `${JSON.stringify({ method: 'GET', url: '/healthz' })}\n`.repeat(50_000));
    // pipefail: the status is eval's own, not head's.
    const shell = spawnSync('bash', ['-c', `set -o pipefail; node bin/auditspec.js eval ${JSON.stringify(policy)} --requests ${JSON.stringify(file)} | head -1`], {
      encoding: 'utf8',
    });
    expect(lines(shell.stdout)).toMatchObject([{ level: 'Metadata', rule: 2, stages: ['ResponseStarted'] }]);
    expect(shell.stderr).toBe('');
    expect(shell.status).toBe(0);
  });
});
