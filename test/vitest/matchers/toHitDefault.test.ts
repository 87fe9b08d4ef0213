import { describe, expect, test } from 'vitest';
import { as } from '../../../src/request/builder.js';
import { describePolicy } from '../../../src/vitest/policyBinding.js';
import { FIXTURE, SECRET_EXPLANATION, failureOf } from './support.js';

// The fixture: rule 0 None (kube-proxy watches), rule 1 Request (creates,
// managedFields omitted), rule 2 Metadata (secrets); anything else is the default.
const secret = as('alice').get('secrets', 'db', { namespace: 'prod' });
const pod = as('alice').get('pods', 'web', { namespace: 'prod' });

describe('toHitDefault', () => {
  describePolicy(FIXTURE, () => {
    test('passes when no rule matched, and .not when one did', () => {
      expect(pod).toHitDefault();
      expect(secret).not.toHitDefault();
    });

    test('fails naming the rule that matched', () => {
      expect(failureOf(() => expect(secret).toHitDefault())).toBe(
        [
          'expect(request).toHitDefault()',
          '',
          'Expected: default (no rule matched)',
          `Received: rule 2 at ${FIXTURE}:12`,
          '',
          ...SECRET_EXPLANATION,
        ].join('\n'),
      );
    });

    test('.not fails when the request fell through', () => {
      expect(failureOf(() => expect(pod).not.toHitDefault())).toBe(
        [
          'expect(request).not.toHitDefault()',
          '',
          'Expected: a rule to match',
          'Received: default (no rule matched)',
          '',
          'Request:  alice GET /api/v1/namespaces/prod/pods/web',
          'Decision: None, omitting RequestReceived (no rule matched: the default)',
          `Policy:   ${FIXTURE}`,
          `  ✗ rule 0 None ${FIXTURE}:5  users: user "alice" is not in users ["system:kube-proxy"]`,
          `  ✗ rule 1 Request ${FIXTURE}:8  verbs: verb "get" is not in verbs ["create"]`,
          `  ✗ rule 2 Metadata ${FIXTURE}:12  resources: no resources entry covers "pods" in group "" named "web"`,
          "  → None: no rule matched, kube-apiserver's default level",
        ].join('\n'),
      );
    });
  });
});
