import { describe, expect, test } from 'vitest';
import { as } from '../../../src/request/builder.js';
import { describePolicy } from '../../../src/vitest/policyBinding.js';
import { FIXTURE, SECRET_EXPLANATION, failureOf } from './support.js';

// The fixture: rule 0 None (kube-proxy watches), rule 1 Request (creates,
// managedFields omitted), rule 2 Metadata (secrets); anything else is the default.
const secret = as('alice').get('secrets', 'db', { namespace: 'prod' });

describe('toBeDecidedBy', () => {
  describePolicy(FIXTURE, () => {
    test('takes a rule by index, by object, or by any line inside it', () => {
      expect(secret).toBeDecidedBy(2);
      expect(secret).not.toBeDecidedBy(1);
      // Lines 12–15: from "- level: Metadata" to the last line of its resources.
      for (const line of [12, 13, 14, 15]) expect(secret).toBeDecidedBy({ line });
      expect(secret).not.toBeDecidedBy({ line: 9 });
    });

    test('fails naming both rules with their lines and, asked by line, every rule\'s lines', () => {
      expect(failureOf(() => expect(secret).toBeDecidedBy({ line: 9 }))).toBe(
        [
          'expect(request).toBeDecidedBy(rule)',
          '',
          `Expected: rule 1 at ${FIXTURE}:8 (lines 8–11)`,
          `Received: rule 2 at ${FIXTURE}:12 (lines 12–15)`,
          'Rules:    0 lines 5–7, 1 lines 8–11, 2 lines 12–15',
          '',
          ...SECRET_EXPLANATION,
        ].join('\n'),
      );
    });

    test('.not fails on the deciding rule', () => {
      expect(failureOf(() => expect(secret).not.toBeDecidedBy(2))).toBe(
        [
          'expect(request).not.toBeDecidedBy(rule)',
          '',
          `Expected: not rule 2 at ${FIXTURE}:12 (lines 12–15)`,
          `Received: rule 2 at ${FIXTURE}:12 (lines 12–15)`,
          '',
          ...SECRET_EXPLANATION,
        ].join('\n'),
      );
    });

    test('a line outside every rule lists each rule\'s lines', () => {
      expect(() => expect(secret).toBeDecidedBy({ line: 3 })).toThrow(
        `toBeDecidedBy: line 3 of ${FIXTURE} is not inside a rule. Its rules:\n  rule 0: lines 5–7\n  rule 1: lines 8–11\n  rule 2: lines 12–15`,
      );
      expect(() => expect(secret).toBeDecidedBy(3)).toThrow(`toBeDecidedBy: 3 is not a rule of ${FIXTURE} (it has 3 rules)`);
    });
  });
});
