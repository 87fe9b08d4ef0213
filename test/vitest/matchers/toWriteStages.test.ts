import { describe, expect, test } from 'vitest';
import { as } from '../../../src/request/builder.js';
import { describePolicy } from '../../../src/vitest/policyBinding.js';
import { FIXTURE, SECRET_EXPLANATION, failureOf } from './support.js';

// The fixture: rule 0 None (kube-proxy watches), rule 1 Request (creates,
// managedFields omitted), rule 2 Metadata (secrets); anything else is the default.
const secret = as('alice').get('secrets', 'db', { namespace: 'prod' });

describe('toWriteStages', () => {
  describePolicy(FIXTURE, () => {
    test('passes for exactly the stages written, in order', () => {
      expect(secret).toWriteStages(['ResponseComplete']);
      expect(as('alice').watch('secrets', { namespace: 'prod' })).toWriteStages(['ResponseStarted', 'ResponseComplete']);
      expect(secret).not.toWriteStages(['RequestReceived', 'ResponseComplete']);
    });

    test('fails with both lists', () => {
      expect(failureOf(() => expect(secret).toWriteStages(['RequestReceived', 'ResponseComplete']))).toBe(
        [
          'expect(request).toWriteStages(stages)',
          '',
          'Expected: ["RequestReceived", "ResponseComplete"]',
          'Received: ["ResponseComplete"]',
          '',
          ...SECRET_EXPLANATION,
        ].join('\n'),
      );
    });

    test('.not fails on the same list', () => {
      expect(failureOf(() => expect(secret).not.toWriteStages(['ResponseComplete']))).toBe(
        [
          'expect(request).not.toWriteStages(stages)',
          '',
          'Expected: not ["ResponseComplete"]',
          'Received: ["ResponseComplete"]',
          '',
          ...SECRET_EXPLANATION,
        ].join('\n'),
      );
    });
  });
});
