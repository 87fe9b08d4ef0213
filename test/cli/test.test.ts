// `auditspec test` through the built bin, as users run it: Vitest's exit codes
// and the matchers registered without any Vitest config of the user's. Each
// run starts Vitest (seconds on two cores), so the failing cases share one run
// with every reporter they need, and each test reads its part.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const built = existsSync('dist/cli/main.js');
/** `env` on top of ours; undefined removes a variable (NO_COLOR disables colours by being set at all). */
function run(env: Record<string, string | undefined>, ...args: string[]): SpawnSyncReturns<string> {
  // GITHUB_ACTIONS is cleared unless a run sets it: this suite may itself run on GitHub.
  const merged: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '', ...env };
  for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key];
  return spawnSync(process.execPath, ['bin/auditspec.js', 'test', ...args], { encoding: 'utf8', env: merged, timeout: 120_000 });
}

describe.skipIf(!built)('auditspec test (needs `npm run build`, which `npm test` runs first)', { timeout: 60_000 }, () => {
  test('passing specs exit 0', () => {
    const r = run({}, 'test/cli/fixtures/passing.audit.spec.ts');
    expect(r.status, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/1 passed/);
  });

  test('--kube-version takes supported versions only, each one checked in a list', () => {
    const r = run({}, '--kube-version', '1.36,1.30', 'test/cli/fixtures/passing.audit.spec.ts');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--kube-version 1.30 is not supported; supported: 1.33, 1.34, 1.35, 1.36, 1.37');
  });

  test('an expectation that holds on one version and fails on another is reported as such, offline (group "*" is valid from 1.36)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'auditspec-cli-versions-'));
    const junit = join(dir, 'junit.xml');
    const r = run({}, '--kube-version', '1.35,1.36', '--reporter', 'default', '--reporter', 'junit', '--output-file', junit, 'test/cli/fixtures/any-group.audit.spec.ts');
    // One report per version, not the second run's over the first's.
    const reports = [readFileSync(join(dir, 'junit.1.35.xml'), 'utf8'), readFileSync(join(dir, 'junit.1.36.xml'), 'utf8')];
    rmSync(dir, { recursive: true, force: true });
    expect(reports[0]).toContain('failures="1"');
    expect(reports[1]).toContain('failures="0"');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      [
        'auditspec: 1 expectation holds on one Kubernetes version and fails on another (1.35, 1.36):',
        '  test/cli/fixtures/any-group.audit.spec.ts > policy test/cli/fixtures/any-group.yaml > configmaps of any group are logged at Metadata',
        '    passes on 1.36',
        '    fails on 1.35: test/cli/fixtures/any-group.yaml loads: test/cli/fixtures/any-group.yaml:9:16: kube-apiserver would refuse to start with this policy: rules[0].resources.group: Invalid value: "*"',
      ].join('\n'),
    );
  });

  describe('failing specs: a wrong expectation, and a policy that does not load (one run, on "GitHub", colours forced, JUnit to a file)', () => {
    let failing: SpawnSyncReturns<string>;
    let out: string;
    let junit: string;
    const dir = mkdtempSync(join(tmpdir(), 'auditspec-cli-test-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    beforeAll(() => {
      failing = run(
        { GITHUB_ACTIONS: 'true', FORCE_COLOR: '1', NO_COLOR: undefined },
        'test/cli/fixtures/failing.audit.spec.ts',
        'test/cli/fixtures/broken-policy.audit.spec.ts',
        ...['--reporter', 'default', '--reporter', 'github-actions', '--reporter', 'junit', '--output-file', join(dir, 'junit.xml')],
      );
      out = failing.stdout + failing.stderr;
      junit = readFileSync(join(dir, 'junit.xml'), 'utf8');
      // A whole Vitest run in a child process: seconds alone, more on a loaded
      // machine; the 10 s hook default is not a statement about this command.
    }, 120_000);

    test('exit 1, expected vs received with the rule trace', () => {
      expect(failing.status).toBe(1);
      expect(out).toMatch(/2 failed/);
      expect(out).toContain('Expected: "RequestResponse"');
      expect(out).toContain('Received: "Metadata"');
      expect(out).toMatch(/✓ rule 7 Metadata clusters\/policy\.yaml:\d+/);
    });

    test('a policy that does not load fails as a test, with file:line:col and a hint beside kube-apiserver\'s message', () => {
      expect(out).toContain('test/cli/fixtures/broken.yaml loads');
      expect(out).toContain(
        'test/cli/fixtures/broken.yaml:5:2: kube-apiserver would refuse to start with this policy: failed decoding: yaml: line 4: did not find expected key',
      );
      expect(out).toContain('hint: go-yaml numbers lines from 0 in this message: its "line 4" is line 5 of the file, where the problem is (column 2)');
    });

    test('under GitHub Actions, a failing expectation is annotated on the deciding rule\'s line of the policy', () => {
      const ours = failing.stdout.split('\n').filter((l) => l.startsWith('::error file=clusters/policy.yaml'));
      expect(ours).toEqual([
        '::error file=clusters/policy.yaml,line=75,title=expect(request).toBeLoggedAt(level)%3A decided by rule 7 at clusters/policy.yaml%3A75::' +
          'policy clusters/policy.yaml > claims secrets bodies are logged%0A' +
          'Expected: "RequestResponse"%0AReceived: "Metadata"%0A%0ARequest:  alice GET /api/v1/namespaces/prod/secrets/db%0A' +
          'Decision: Metadata, omitting RequestReceived (rule 7 at clusters/policy.yaml:75)',
      ]);
      // Vitest's own annotation, on the spec line, is still there.
      expect(failing.stdout).toMatch(/^::error file=.*failing\.audit\.spec\.ts,/m);
    });

    test('JUnit output carries no colour codes, even when colours are forced', () => {
      // Colours were on for this run: the default reporter's output has them.
      expect(failing.stdout).toMatch(/\u001b\[/);
      expect(junit).toContain('<failure message="expect(request).toBeLoggedAt(level)');
      expect(junit).not.toMatch(/\u001b\[/);
    });
  });

  test('a missing path is a usage error', () => {
    expect(run({}, 'no/such/dir').status).toBe(2);
  });
});
