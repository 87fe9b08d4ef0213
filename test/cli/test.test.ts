// `auditspec test` through the built bin, as users run it: Vitest's exit codes
// and the matchers registered without any Vitest config of the user's.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, test } from 'vitest';

const built = existsSync('dist/cli/main.js');
const run = (...args: string[]) =>
  spawnSync(process.execPath, ['bin/auditspec.js', 'test', ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 });

describe.skipIf(!built)('auditspec test (needs `npm run build`, which `npm test` runs first)', { timeout: 60_000 }, () => {
  test('passing specs exit 0', () => {
    const r = run('test/cli/fixtures/passing.audit.spec.ts');
    expect(r.status, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/1 passed/);
  });
  test('a failing spec exits 1 and shows expected vs received with the rule trace', () => {
    const r = run('test/cli/fixtures/failing.audit.spec.ts');
    expect(r.status).toBe(1);
    const out = r.stdout + r.stderr;
    expect(out).toContain('Expected: "RequestResponse"');
    expect(out).toContain('Received: "Metadata"');
    expect(out).toMatch(/✓ rule 7 Metadata clusters\/policy\.yaml:\d+/);
  });
  test('a policy that does not load fails as a test, with file:line:col and a hint beside kube-apiserver\'s message', () => {
    const r = run('test/cli/fixtures/broken-policy.audit.spec.ts');
    expect(r.status).toBe(1);
    const out = r.stdout + r.stderr;
    expect(out).toMatch(/1 failed/);
    expect(out).toContain('test/cli/fixtures/broken.yaml loads');
    expect(out).toContain(
      'test/cli/fixtures/broken.yaml:5:2: kube-apiserver would refuse to start with this policy: failed decoding: yaml: line 4: did not find expected key',
    );
    expect(out).toContain('hint: "line 4" is go-yaml\'s count, which names the line before the token it stopped at; that token is at line 5, column 2');
  });
  test('a missing path is a usage error', () => {
    expect(run('no/such/dir').status).toBe(2);
  });
});
