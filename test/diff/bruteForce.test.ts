// The diff against brute-force evaluation (bruteForce.ts), a small batch: the
// large one runs in CI's conformance step (bruteForce.conformance.ts), so
// npm test stays fast.
import { describe, expect, it } from 'vitest';
import { editedPairs, randomPairs } from './bruteForce.js';

// Compute-bound (every request of the alphabet under both policies): a few
// seconds alone, more on a loaded machine, so not held to the 5 s default.
const BRUTE_FORCE_TIMEOUT = 60_000;

describe('diff against brute-force evaluation', () => {
  it('agrees on independent random pairs', () => {
    // The generator must exercise changes (every assertion is inside checkPair).
    expect(randomPairs(20261121, 10).changed).toBeGreaterThan(2);
  }, BRUTE_FORCE_TIMEOUT);

  it('agrees on pairs that differ by one small edit', () => {
    // ... and edits that change nothing.
    expect(editedPairs(7, 20).equivalent).toBeGreaterThan(2);
  }, BRUTE_FORCE_TIMEOUT);
});
