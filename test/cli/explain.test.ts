import { describe, expect, test } from 'vitest';
import { runCli } from '../support/cli.js';

describe('auditspec explain', () => {
  test('METHOD URL with an identity prints the decision and the rule trace with file:line', async () => {
    const run = await runCli(['explain', 'clusters/policy.yaml', 'GET', '/api/v1/namespaces/prod/secrets/db', '--user', 'alice', '--group', 'dev']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Decision: Metadata, omitting RequestReceived (rule 7 at clusters/policy.yaml:');
    expect(run.stdout).toMatch(/✗ rule 0 None clusters\/policy\.yaml:\d+ +users: user "alice" is not in users/);
    expect(run.stdout).toMatch(/✓ rule 7 Metadata/);
  });
  test('a JSON request line and --format json', async () => {
    const run = await runCli(['explain', 'clusters/policy.yaml', '{"method":"GET","url":"/healthz"}', '--format', 'json']);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.request.user).toBeNull();
    expect(out.decision).toMatchObject({ level: 'None', rule: 5 });
    expect(out.trace).toHaveLength(6);
  });
  test('usage errors exit 2', async () => {
    expect((await runCli(['explain', 'clusters/policy.yaml', 'GET', '/api/v1/pods'])).code).toBe(2);
    expect((await runCli(['explain', 'clusters/policy.yaml', 'GET', 'api/v1/pods', '--anonymous'])).code).toBe(2);
    expect((await runCli(['explain', 'clusters/policy.yaml', 'GET', '/x', '--anonymous', '--user', 'a'])).code).toBe(2);
    expect((await runCli(['explain', 'clusters/policy.yaml', 'GET', '/x', '--anonymous', '--format', 'xml'])).code).toBe(2);
  });
  test('--service-account NS:NAME sends as the account, with the groups its token carries', async () => {
    const run = await runCli(['explain', 'clusters/policy.yaml', 'GET', '/api/v1/namespaces/ci/pods', '--service-account', 'ci:builder', '--format', 'json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).request.user).toEqual({
      name: 'system:serviceaccount:ci:builder',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:ci', 'system:authenticated'],
    });
    expect((await runCli(['explain', 'clusters/policy.yaml', 'GET', '/x', '--service-account', 'ci'])).code).toBe(2);
    expect((await runCli(['explain', 'clusters/policy.yaml', 'GET', '/x', '--service-account', 'Not_A_Namespace:x'])).code).toBe(2);
  });
  test('--user with a service account username gets the same groups, so rules on them match', async () => {
    const run = await runCli(['explain', 'clusters/policy.yaml', 'GET', '/api/v1/namespaces/ci/pods', '--user', 'system:serviceaccount:ci:builder', '--format', 'json']);
    expect(JSON.parse(run.stdout).request.user.groups).toEqual(['system:serviceaccounts', 'system:serviceaccounts:ci', 'system:authenticated']);
  });
  test('a full URL, as kubectl -v=8 prints it: scheme and host are ignored, and it says so', async () => {
    const run = await runCli(['explain', 'clusters/policy.yaml', 'GET', 'https://127.0.0.1:6443/api/v1/namespaces/prod/secrets/db?timeout=32s', '--user', 'alice']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Decision: Metadata, omitting RequestReceived (rule 7 at clusters/policy.yaml:');
    expect(run.stderr).toBe(
      'auditspec: scheme and host https://127.0.0.1:6443 ignored: the audit policy sees only the path and query (/api/v1/namespaces/prod/secrets/db?timeout=32s)\n',
    );
  });
});

