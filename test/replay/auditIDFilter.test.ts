import { randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { addAuditID, mayHaveAuditID, newAuditIDFilter } from '../../src/replay/jobs/auditIDFilter.js';

describe('auditIDFilter', () => {
  test('every ID added is a "maybe"; IDs never added are almost all a "no"', () => {
    const filter = newAuditIDFilter();
    const added = Array.from({ length: 10_000 }, () => randomUUID());
    for (const id of added) addAuditID(filter, id);
    for (const id of added) expect(mayHaveAuditID(filter, id)).toBe(true);
    const others = Array.from({ length: 10_000 }, () => randomUUID());
    const falseMaybes = others.filter((id) => mayHaveAuditID(filter, id)).length;
    // About 1 in 2 500 expected (see the filter's size): far from every one.
    expect(falseMaybes).toBeLessThan(50);
  });

  test('an empty filter says no', () => {
    expect(mayHaveAuditID(newAuditIDFilter(), 'a')).toBe(false);
  });
});
