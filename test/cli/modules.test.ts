// The module directory contract other checks rely on: `build DIR -o FILE`
// (exit 0), `eval DIR` names the deciding module file in ruleLocation, `check
// DIR` names both files of a cross-module shadowing.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { loadPolicy } from '../../src/audit/policy/load.js';
import { runCli } from '../support/cli.js';

const EXAMPLE = 'clusters/modules';
const fixtures = relative(process.cwd(), join(import.meta.dirname, '../audit/modules/fixtures'));
const out = mkdtempSync(join(tmpdir(), 'auditspec-build-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('auditspec build', () => {
  test('writes the composed policy (exit 0), which loads; --check says up to date, then stale once a module changes', async () => {
    const file = join(out, 'sub', 'policy.yaml');
    const built = await runCli(['build', EXAMPLE, '-o', file]);
    expect(built).toMatchObject({ code: 0, stderr: '' });
    // The built file loads as a policy file, not as modules.
    expect(loadPolicy({ file }).policy.modules).toBeUndefined();
    expect(await runCli(['build', EXAMPLE, '-o', file, '--check'])).toMatchObject({ code: 0 });

    writeFileSync(file, readFileSync(file, 'utf8').replace('"Request"', '"RequestResponse"'));
    const stale = await runCli(['build', EXAMPLE, '-o', file, '--check']);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/is stale \(it differs from line \d+\); rebuild it with `auditspec build clusters\/modules -o /);
    expect((await runCli(['build', EXAMPLE, '-o', join(out, 'missing.yaml'), '--check'])).stderr).toContain('stale (it does not exist)');
  });

  test('to standard output without -o; a file, or --check without -o, is a usage error', async () => {
    expect((await runCli(['build', EXAMPLE])).stdout).toContain('  # 20-secrets.yaml:8\n  - level: "Metadata"');
    expect((await runCli(['build', join(EXAMPLE, '10-noise.yaml')])).code).toBe(2);
    expect((await runCli(['build', EXAMPLE, '--check'])).code).toBe(2);
  });

  test('refuses modules that clash, naming both files (exit 1)', async () => {
    const run = await runCli(['build', join(fixtures, 'clash')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('the modules do not compose into one policy');
    expect(run.stderr).toContain(join(fixtures, 'clash', '10-a.yaml'));
    expect(run.stderr).toContain(join(fixtures, 'clash', '20-b.yaml'));
  });
});

describe('a module directory where a policy is accepted', () => {
  test('eval prints the deciding module file in ruleLocation', async () => {
    const input = [
      JSON.stringify({ method: 'GET', url: '/api/v1/namespaces/prod/secrets/db', user: { username: 'alice', groups: ['dev'] } }),
      JSON.stringify({ method: 'POST', url: '/apis/apps/v1/namespaces/prod/deployments', user: { username: 'alice', groups: ['dev'] } }),
      JSON.stringify({ method: 'GET', url: '/healthz' }),
    ].join('\n');
    const run = await runCli(['eval', EXAMPLE, '--requests', '-'], input);
    expect(run.code).toBe(0);
    const results = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(results.map((r) => [r.level, r.ruleLocation])).toEqual([
      ['Metadata', `${EXAMPLE}/20-secrets.yaml:8`],
      ['Request', `${EXAMPLE}/40-workloads.yaml:6`],
      ['None', `${EXAMPLE}/10-noise.yaml:45`],
    ]);
  });

  test('check names both files of a cross-module shadowing', async () => {
    const run = await runCli(['check', join(fixtures, 'shadowing')]);
    expect(run.code).toBe(0);
    const line = run.stdout.split('\n').find((l) => l.includes('[shadowed-rule]') && l.startsWith(join(fixtures, 'shadowing', '20-team.yaml')));
    expect(line).toContain(`${join(fixtures, 'shadowing', '10-platform.yaml')}:6`);
  });

  test('check shows a module kube-apiserver would refuse at its own file:line:col', async () => {
    const run = await runCli(['check', join(fixtures, 'invalid')]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`${join(fixtures, 'invalid', '20-bad.yaml')}:4:12: error: rules[0].level: Unsupported value: "Everything"`);
  });

  test('explain traces the rules at their module file:line', async () => {
    const run = await runCli(['explain', EXAMPLE, 'GET', '/api/v1/namespaces/prod/secrets/db', '--user', 'alice', '--format', 'json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${EXAMPLE}/20-secrets.yaml:8`);
    expect(run.stdout).toContain(`${EXAMPLE}/10-noise.yaml:14`);
  });
});

describe('auditspec diff with module directories', () => {
  test('a directory and the file built from it are equivalent', async () => {
    const file = join(out, 'equivalent.yaml');
    expect((await runCli(['build', EXAMPLE, '-o', file])).code).toBe(0);
    const run = await runCli(['diff', EXAMPLE, file]);
    expect(run.stdout).toContain('equivalent');
    expect(run.code).toBe(0);
  });

  test('names the modules whose rules change outcome', async () => {
    const changed = join(out, 'changed');
    cpSync(EXAMPLE, changed, { recursive: true });
    // Workload writes to RequestResponse: only 40-workloads.yaml's rule decides differently.
    const workloads = join(changed, '40-workloads.yaml');
    writeFileSync(workloads, readFileSync(workloads, 'utf8').replace('level: Request\n', 'level: RequestResponse\n'));
    const run = await runCli(['diff', EXAMPLE, changed, '--format', 'json']);
    expect(run.code).toBe(1);
    const diff = JSON.parse(run.stdout);
    expect(diff.modules).toEqual([
      { file: `${EXAMPLE}/40-workloads.yaml`, classes: diff.classesChanged },
      { file: `${relative(process.cwd(), changed)}/40-workloads.yaml`, classes: diff.classesChanged },
    ]);
    const text = await runCli(['diff', EXAMPLE, changed]);
    expect(text.stdout).toContain(`modules whose rules decide them: ${EXAMPLE}/40-workloads.yaml (`);
  });
});
