import { describe, expect, test } from 'vitest';
import { as } from '../../../src/request/builder.js';
import { describePolicy } from '../../../src/vitest/policyBinding.js';
import { FIXTURE, SECRET_EXPLANATION, failureOf } from './support.js';

// The fixture: rule 0 None (kube-proxy watches), rule 1 Request (creates,
// managedFields omitted), rule 2 Metadata (secrets); anything else is the default.
const secret = as('alice').get('secrets', 'db', { namespace: 'prod' });

describe('toOmitStage', () => {
  describePolicy(FIXTURE, () => {
    test('passes for a stage in the policy-level ∪ rule-level omitStages', () => {
      expect(secret).toOmitStage('RequestReceived');
      expect(secret).not.toOmitStage('ResponseStarted');
      const create = as('alice').create('pods', { namespace: 'prod' });
      expect(create).toOmitStage('RequestReceived');
      expect(create).toOmitStage('ResponseStarted');
    });

    test('fails comparing the omitStages list with the stage, not a string with an array', () => {
      expect(failureOf(() => expect(secret).toOmitStage('ResponseComplete'))).toBe(
        [
          'expect(request).toOmitStage(stage)',
          '',
          'Expected: omitStages containing "ResponseComplete"',
          'Received: omitStages ["RequestReceived"]',
          '',
          ...SECRET_EXPLANATION,
        ].join('\n'),
      );
    });

    test('.not fails when the stage is omitted', () => {
      expect(failureOf(() => expect(secret).not.toOmitStage('RequestReceived'))).toBe(
        [
          'expect(request).not.toOmitStage(stage)',
          '',
          'Expected: omitStages without "RequestReceived"',
          'Received: omitStages ["RequestReceived"]',
          '',
          ...SECRET_EXPLANATION,
        ].join('\n'),
      );
    });

    test('refuses a stage that does not exist', () => {
      expect(() => expect(secret).toOmitStage('Done' as 'Panic')).toThrow('toOmitStage: stage must be one of');
    });
  });
});
