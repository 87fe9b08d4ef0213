import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Oracle } from '../../conformance/oracle/index.js';
import { knownOpenRegression } from '../../conformance/regressions.js';
import { mismatchSignature, runConformance } from '../../conformance/runner.js';
import { createSubject } from '../../conformance/subject.js';
import { canRunOracle, NO_ORACLE, ORACLE_START_TIMEOUT } from './support.js';

// A fixed-seed batch of generated cases, so `npm test` guards conformance.
// Any mismatch fails the test unless it is an instance of an open regression
// in conformance/regressions.ts (each of which has its own failing test there).
// `npm run conformance -- --cases 2000 --seed unit` replays this batch.

const CASES = 2000;

describe.skipIf(!canRunOracle)(`conformance batch${canRunOracle ? '' : ` (${NO_ORACLE})`}`, () => {
  let oracle: Oracle;
  beforeAll(async () => {
    oracle = await Oracle.start();
  }, ORACLE_START_TIMEOUT);
  afterAll(async () => {
    await oracle?.close();
  });

  it(`${CASES} generated cases agree with upstream`, async () => {
    const result = await runConformance({ seed: 'unit', cases: CASES, oracle, subject: createSubject(), keep: 10_000 });
    // The batch must really exercise evaluation, not only the loader.
    expect(result.acceptedPolicies).toBeGreaterThan(CASES * 0.6);
    expect(result.requests).toBe(CASES * 12);
    const unexplained = result.mismatches.filter((m) => !knownOpenRegression(m));
    expect(unexplained.map((m) => `case ${m.caseIndex}: ${mismatchSignature(m)}`)).toEqual([]);
    expect(result.mismatchCount).toBe(result.mismatches.length);
  }, 600_000);
});
