// Fails on purpose: .ci/consumer-check runs it under GITHUB_ACTIONS=true and
// expects an annotation on the deciding rule's line of policy.yaml.
import { expect, test } from 'vitest';
import { as, describePolicy } from 'auditspec';

describePolicy('policy.yaml', () => {
  test('claims a read by system:masters is logged in full', () => {
    expect(as('root', ['system:masters']).get('pods', 'web', { namespace: 'prod' })).toBeLoggedAt('RequestResponse');
  });
});
