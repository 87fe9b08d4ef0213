// The fixture holds Go 1.26's time.ParseDuration verdict for 3050 strings: the
// edge cases below plus seeded random ones (signs, digits, periods, every unit
// and a bogus one, up to 3 parts). It was produced by a throwaway Go program
// reading JSON strings and printing {"in", "ok": err == nil}; regenerate the
// same way if the grammar ever changes.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { isValidGoDuration } from '../../../src/go/time/duration.js';

const rows = readFileSync(new URL('./fixtures/duration.upstream.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as { in: string; ok: boolean });

describe('isValidGoDuration', () => {
  test('agrees with Go on every string of the upstream table', () => {
    const disagreements = rows.filter((r) => isValidGoDuration(r.in) !== r.ok).map((r) => `${JSON.stringify(r.in)}: Go says ${r.ok}`);
    expect(disagreements).toEqual([]);
    expect(rows.filter((r) => r.ok).length).toBeGreaterThan(500);
  });
  test.each([
    ['5s', true],
    ['1h30m', true],
    ['-1.5h', true],
    ['0', true],
    ['soon', false],
    ['10', false],
    ['', false],
    ['9223372036854775807ns', true],
    ['9223372036854775808ns', false],
    ['-9223372036854775808ns', true],
  ])('%j → %s', (input, valid) => {
    expect(isValidGoDuration(input)).toBe(valid);
  });
});
