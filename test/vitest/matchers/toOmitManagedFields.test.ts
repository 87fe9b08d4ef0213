import { describe, expect, test } from 'vitest';
import { as } from '../../../src/request/builder.js';
import { describePolicy } from '../../../src/vitest/policyBinding.js';
import { FIXTURE, SECRET_EXPLANATION, failureOf } from './support.js';

// The fixture: rule 0 None (kube-proxy watches), rule 1 Request (creates,
// managedFields omitted), rule 2 Metadata (secrets); anything else is the default.
const secret = as('alice').get('secrets', 'db', { namespace: 'prod' });
const create = as('alice').create('pods', { namespace: 'prod' });

describe('toOmitManagedFields', () => {
  describePolicy(FIXTURE, () => {
    test('passes where the deciding rule omits managedFields, .not elsewhere', () => {
      expect(create).toOmitManagedFields();
      expect(secret).not.toOmitManagedFields();
    });

    test('fails saying what happens to managedFields', () => {
      expect(failureOf(() => expect(secret).toOmitManagedFields())).toBe(
        [
          'expect(request).toOmitManagedFields()',
          '',
          'Expected: managedFields omitted from logged bodies',
          'Received: managedFields kept in logged bodies',
          '',
          ...SECRET_EXPLANATION,
        ].join('\n'),
      );
    });

    test('.not reads as kept, not as "not false"', () => {
      expect(failureOf(() => expect(create).not.toOmitManagedFields())).toBe(
        [
          'expect(request).not.toOmitManagedFields()',
          '',
          'Expected: managedFields kept in logged bodies',
          'Received: managedFields omitted from logged bodies',
          '',
          'Request:  alice POST /api/v1/namespaces/prod/pods',
          `Decision: Request, omitting RequestReceived, ResponseStarted (rule 1 at ${FIXTURE}:8)`,
          `Policy:   ${FIXTURE}`,
          `  ✗ rule 0 None ${FIXTURE}:5  users: user "alice" is not in users ["system:kube-proxy"]`,
          `  ✓ rule 1 Request ${FIXTURE}:8  matches`,
        ].join('\n'),
      );
    });
  });
});
