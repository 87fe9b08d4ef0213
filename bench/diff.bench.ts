// How long `auditspec diff` takes on two 100-rule policies (target: well under a
// second), including choosing and checking an HTTP example per changed class.
// Run: npx vitest bench --run bench/diff.bench.ts
import { bench, describe } from 'vitest';
import type { Policy } from '../src/audit/types.js';
import { diffPolicies } from '../src/diff/diffPolicies.js';
import { benchmarkPolicies } from './policyGenerator.js';

const { oldPolicy, editedPolicy, unrelatedPolicy } = benchmarkPolicies();

function report(name: string, a: Policy, b: Policy): void {
  const start = performance.now();
  const diff = diffPolicies(a, b);
  const ms = performance.now() - start;
  console.log(
    `${name}: ${ms.toFixed(1)} ms, ${diff.classesChanged} classes changed, ${diff.stats.regionsVisited} regions visited`,
  );
}

describe('auditspec diff, two 100-rule policies', () => {
  report('edited (5 levels, a swap, a removal, an insertion)', oldPolicy, editedPolicy);
  report('unrelated', oldPolicy, unrelatedPolicy);
  report('identical', oldPolicy, oldPolicy);
  bench('edited', () => {
    diffPolicies(oldPolicy, editedPolicy);
  });
  bench('unrelated', () => {
    diffPolicies(oldPolicy, unrelatedPolicy);
  });
  bench('identical', () => {
    diffPolicies(oldPolicy, oldPolicy);
  });
});
