// The diff against brute-force evaluation (bruteForce.ts), a large batch:
// generative and a few minutes of CPU, so part of CI's conformance step
// (`npx vitest run --project conformance`), with a small batch in npm test.
import { describe, expect, it } from 'vitest';
import { editedPairs, randomPairs } from './bruteForce.js';

describe('diff against brute-force evaluation, large batch', () => {
  it('agrees on 200 independent random pairs', () => {
    expect(randomPairs(20261121, 200).changed).toBeGreaterThan(40);
  });

  it('agrees on 400 pairs that differ by one small edit', () => {
    expect(editedPairs(7, 400).equivalent).toBeGreaterThan(40);
  });
});
