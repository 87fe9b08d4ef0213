// Vitest setup file for rule coverage. The coverage reporter adds it to every
// project's setupFiles by itself; naming it in setupFiles as well is harmless.
import { afterAll } from 'vitest';
import { trackCurrentTest } from '../vitest/currentTest.js';
import { flushPendingCoverage, startCoverageCollection } from './collector.js';

startCoverageCollection();
// The collector puts each hit on the running test, which these hooks track.
trackCurrentTest();

// Registered at the top level of a setup file, this hook belongs to the test
// file's root: hits from the file's own beforeAll/afterAll land on the file task.
// Vitest requires the first (context) parameter to be a destructuring pattern.
// eslint-disable-next-line no-empty-pattern
afterAll(({}, file) => {
  flushPendingCoverage(file as unknown as { meta: object });
});
