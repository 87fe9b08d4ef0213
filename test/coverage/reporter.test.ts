// The coverage reporter in a real Vitest run: hits travel from the worker on
// task meta, the reporter adds them up per rule, prints the table, writes LCOV
// and HTML, and fails the run under the threshold.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import AuditCoverageReporter, { type AuditCoverageOptions } from '../../src/coverage/reporter.js';
import { runSpecs } from '../support/vitestRun.js';

const fixture = fileURLToPath(new URL('./fixtures/rules.fixture.ts', import.meta.url));
const policyFile = fileURLToPath(new URL('./fixtures/policy.yaml', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'auditspec-coverage-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

async function runWithReporter(options: AuditCoverageOptions): Promise<{ reporter: AuditCoverageReporter; exitCode: number | string | undefined; logged: string }> {
  let printed = '';
  const reporter = new AuditCoverageReporter({ ...options, log: (text) => (printed += `${text}\n`) });
  const run = await runSpecs([fixture], { reporters: [reporter] });
  const logged = [printed + run.logged, ...run.failed].join('\n');
  return { reporter, exitCode: run.exitCode, logged };
}

describe('AuditCoverageReporter in a Vitest run', () => {
  test('counts hits per rule, marks the unreached rule, writes LCOV and HTML', async () => {
    const lcov = join(out, 'lcov.info');
    const html = join(out, 'index.html');
    const { reporter, exitCode, logged } = await runWithReporter({ lcov, html });
    expect(exitCode, logged).not.toBe(1);
    const policy = reporter.summary?.policies.find((p) => p.file === policyFile);
    expect(policy, logged).toBeDefined();
    expect(policy!.rules.map((r) => r.hits)).toEqual([1, 2, 1, 0]);
    expect(policy!.defaultHits).toBe(1);
    expect(policy!.coveredRules).toBe(3);
    expect(policy!.rules[1].lines).toEqual({ start: 7, end: 10 });

    expect(logged).toMatch(/fixtures\/policy\.yaml: 3\/4 rules reached \(75\.0%\)/);
    expect(logged).toMatch(/#3 .*fixtures\/policy\.yaml:13 +Request +0 +not reached/);

    const info = readFileSync(lcov, 'utf8');
    expect(info).toContain(`SF:${policyFile}`);
    expect(info).toContain('FNDA:2,rule-1-Metadata');
    expect(info).toContain('FNDA:0,rule-3-Request');
    // Every line of rule 1 carries its hits; comment lines before a rule are not code.
    for (const line of [7, 8, 9, 10]) expect(info).toContain(`DA:${line},2`);
    expect(info).not.toMatch(/^DA:4,/m);
    expect(info).toContain('FNF:4\nFNH:3');
    expect(existsSync(html)).toBe(true);
    expect(readFileSync(html, 'utf8')).toContain('data-rule="3" data-hits="0"');
  }, 240_000);

  test("loads by its package name, 'auditspec/coverage', with options", async () => {
    const lcov = join(out, 'by-name.info');
    const run = await runSpecs([fixture], { reporters: [['auditspec/coverage', { lcov, html: false, silent: true }]] });
    expect(run.failed).toEqual([]);
    expect(readFileSync(lcov, 'utf8')).toContain('FNDA:2,rule-1-Metadata');
  }, 240_000);

  test('a threshold above the coverage fails the run; include lists policies no spec used', async () => {
    const { reporter, exitCode, logged } = await runWithReporter({
      threshold: 80,
      lcov: false,
      html: false,
      include: ['test/coverage/fixtures/*.yaml', 'clusters/*.yaml'],
    });
    expect(exitCode).toBe(1);
    expect(reporter.failures.some((f) => f.includes('fixtures/policy.yaml: 75.0% of rules reached, threshold 80%'))).toBe(true);
    expect(logged).toContain('under threshold');
    const unused = reporter.summary?.policies.filter((p) => p.file !== policyFile) ?? [];
    for (const p of unused) expect(p.coveredRules).toBe(0);
  }, 240_000);
});
