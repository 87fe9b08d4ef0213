import { describe, expect, test } from 'vitest';
import { as } from '../../../src/request/builder.js';
import { describePolicy } from '../../../src/vitest/policyBinding.js';
import { FIXTURE, SECRET_EXPLANATION, failureOf } from './support.js';

// The fixture: rule 0 None (kube-proxy watches), rule 1 Request (creates,
// managedFields omitted), rule 2 Metadata (secrets); anything else is the default.
const secret = as('alice').get('secrets', 'db', { namespace: 'prod' });
const proxyWatch = as('system:kube-proxy').watch('pods');

describe('toBeLogged', () => {
  describePolicy(FIXTURE, () => {
    test('passes above None, and .not at None', () => {
      expect(secret).toBeLogged();
      expect(proxyWatch).not.toBeLogged();
    });

    test('fails at None with the level it got', () => {
      expect(failureOf(() => expect(proxyWatch).toBeLogged())).toBe(
        [
          'expect(request).toBeLogged()',
          '',
          'Expected: a level above None',
          'Received: "None"',
          '',
          'Request:  system:kube-proxy GET /api/v1/pods?watch=true',
          `Decision: None, omitting RequestReceived (rule 0 at ${FIXTURE}:5)`,
          `Policy:   ${FIXTURE}`,
          `  ✓ rule 0 None ${FIXTURE}:5  matches`,
        ].join('\n'),
      );
    });

    test('.not expects None itself, not "not None"', () => {
      expect(failureOf(() => expect(secret).not.toBeLogged())).toBe(
        [
          'expect(request).not.toBeLogged()',
          '',
          'Expected: "None"',
          'Received: "Metadata"',
          '',
          ...SECRET_EXPLANATION,
        ].join('\n'),
      );
    });
  });
});
