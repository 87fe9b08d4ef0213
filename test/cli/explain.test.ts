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
});
