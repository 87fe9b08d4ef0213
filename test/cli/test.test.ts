// `auditspec test` through the built bin, as users run it: Vitest's exit codes
// and the matchers registered without any Vitest config of the user's.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, test } from 'vitest';

const built = existsSync('dist/cli/main.js');
const run = (...args: string[]) => runWith({}, ...args);
function runWith(env: Record<string, string>, ...args: string[]) {
  // GITHUB_ACTIONS is cleared unless a test sets it: this suite may itself run on GitHub.
  return spawnSync(process.execPath, ['bin/auditspec.js', 'test', ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '', ...env },
    timeout: 120_000,
  });
}

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
  test('under GitHub Actions, a failing expectation is annotated on the deciding rule\'s line of the policy', () => {
    const r = runWith({ GITHUB_ACTIONS: 'true' }, 'test/cli/fixtures/failing.audit.spec.ts');
    expect(r.status).toBe(1);
    const ours = r.stdout.split('\n').filter((l) => l.startsWith('::error file=clusters/policy.yaml'));
    expect(ours).toEqual([
      '::error file=clusters/policy.yaml,line=75,title=expect(request).toBeLoggedAt(level)%3A decided by rule 7 at clusters/policy.yaml%3A75::' +
        'policy clusters/policy.yaml > claims secrets bodies are logged%0A' +
        'Expected: "RequestResponse"%0AReceived: "Metadata"%0A%0ARequest:  alice GET /api/v1/namespaces/prod/secrets/db%0A' +
        'Decision: Metadata, omitting RequestReceived (rule 7 at clusters/policy.yaml:75)',
    ]);
    // Vitest's own annotation, on the spec line, is still there.
    expect(r.stdout).toMatch(/^::error file=.*failing\.audit\.spec\.ts,/m);
  });
  test('JUnit output carries no colour codes, even when colours are forced', () => {
    const r = runWith({ FORCE_COLOR: '1', NO_COLOR: '' }, 'test/cli/fixtures/failing.audit.spec.ts', '--reporter', 'junit');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('<failure message="expect(request).toBeLoggedAt(level)');
    expect(r.stdout).not.toMatch(/\u001b\[/);
  });
  test('a missing path is a usage error', () => {
    expect(run('no/such/dir').status).toBe(2);
  });
});
