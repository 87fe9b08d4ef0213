import { describe, expect, test } from 'vitest';
import { as } from '../../../src/request/builder.js';
import { describePolicy } from '../../../src/vitest/policyBinding.js';
import { FIXTURE, SECRET_EXPLANATION, failureOf } from './support.js';

// The fixture: rule 0 None (kube-proxy watches), rule 1 Request (creates,
// managedFields omitted), rule 2 Metadata (secrets); anything else is the default.
const secret = as('alice').get('secrets', 'db', { namespace: 'prod' });

describe('toBeLoggedAt', () => {
  describePolicy(FIXTURE, () => {
    test('passes at the decided level, and .not at any other', () => {
      expect(secret).toBeLoggedAt('Metadata');
      expect(secret).not.toBeLoggedAt('Request');
    });

    test('fails with expected and received levels once, then the request, decision and rule trace', () => {
      expect(failureOf(() => expect(secret).toBeLoggedAt('Request'))).toBe(
        [
          'expect(request).toBeLoggedAt(level)',
          '',
          'Expected: "Request"',
          'Received: "Metadata"',
          '',
          ...SECRET_EXPLANATION,
        ].join('\n'),
      );
    });

    test('.not fails with "not" said once', () => {
      expect(failureOf(() => expect(secret).not.toBeLoggedAt('Metadata'))).toBe(
        [
          'expect(request).not.toBeLoggedAt(level)',
          '',
          'Expected: not "Metadata"',
          'Received: "Metadata"',
          '',
          ...SECRET_EXPLANATION,
        ].join('\n'),
      );
    });

    test('refuses a level that does not exist', () => {
      expect(() => expect(secret).toBeLoggedAt('Loud' as 'None')).toThrow('toBeLoggedAt: level must be one of None, Metadata, Request, RequestResponse; got "Loud"');
    });
  });
});
