// describeModule in a real Vitest run: a block whose module exists runs its
// tests; a missing module, a policy file, or a directory whose modules do not
// load become one failing test saying why, instead of a collection error.
import { describe, expect, test } from 'vitest';
import { runSpecs } from '../support/vitestRun.js';

describe('describeModule', () => {
  test('runs the block for a module of the directory; anything else is one failing test that says why', async () => {
    const run = await runSpecs(['test/vitest/fixtures/describeModule/blocks.audit.spec.ts']);
    expect(run.passed).toBe(1);
    expect(run.failed).toHaveLength(3);
    const [missing, file, invalid] = run.failed;
    expect(missing).toContain('test/vitest/fixtures/modules has the module 30-missing.yaml');
    expect(missing).toContain('it has no module "30-missing.yaml"; its modules: 10-system.yaml, 20-secrets.yaml');
    expect(file).toContain('it is a policy file, not a module directory');
    expect(invalid).toContain('test/audit/modules/fixtures/invalid loads');
    expect(invalid).toContain('test/audit/modules/fixtures/invalid/20-bad.yaml:4:12: kube-apiserver would refuse to start with this policy');
    expect(run.logged).not.toContain('never registered');
    // A whole Vitest run in-process: seconds alone, more on a loaded machine.
  }, 120_000);
});
