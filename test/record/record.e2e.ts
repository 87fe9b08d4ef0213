// `auditspec record`'s promise, end to end: the spec generated from a real log
// passes on a real kube-apiserver running the policy that wrote the log — every
// request is really sent and its recorded level really observed. The same run
// checks that rule coverage counts end-to-end decisions under the backend's name.
// Run with: npx vitest run --project e2e test/record/record.e2e.ts
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { loadPolicy } from '../../src/audit/policy/load.js';
import AuditCoverageReporter from '../../src/coverage/reporter.js';
import { endToEndVitestConfig } from '../../src/e2e/vitest/config.js';
import { recordSpec } from '../../src/record/record.js';
import { obtainBinaries } from '../e2e/support.js';
import { corpusPath, hasCorpus } from '../support/corpus.js';
import { repo, runSpecs } from '../support/vitestRun.js';

const { binaries, reason } = await obtainBinaries();
const workDir = join(repo, '.auditspec', `record-e2e-${process.pid}`);
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const skip = !binaries || !hasCorpus('logs/audit2rbac-demo.log', 'policies/audit2rbac-demo-policy.yaml');
describe.skipIf(skip)(`record, proven on kube-apiserver${reason ? ` — ${reason}` : ''} (also skipped without ../shared/corpus)`, () => {
  test('the spec generated from audit2rbac-demo.log passes end to end against its policy', async () => {
    const policyFile = corpusPath('policies/audit2rbac-demo-policy.yaml');
    const result = await recordSpec([corpusPath('logs/audit2rbac-demo.log')], { policy: loadPolicy({ file: policyFile }).policy, policyPath: relative(repo, policyFile) });
    mkdirSync(workDir, { recursive: true });
    const file = join(workDir, 'audit2rbac-demo.audit.spec.ts');
    writeFileSync(file, result.spec);

    const e2e = endToEndVitestConfig('local');
    const coverage = new AuditCoverageReporter({ lcov: false, html: false, silent: true });
    const { passed, failed } = await runSpecs([file], {
      setupFiles: e2e.setupFiles,
      globalSetup: e2e.globalSetup,
      provide: e2e.provide,
      testTimeout: 180_000,
      hookTimeout: 600_000,
      reporters: [coverage],
    });
    expect(failed).toEqual([]);
    expect(passed).toBe(result.classes.length);
    // The policy's one rule decided every request, proven on the "local" backend.
    const policy = coverage.summary?.policies.find((p) => p.file === policyFile);
    expect(policy?.rules[0].hitsByMode).toEqual({ local: result.classes.length });
  }, 900_000);
});
