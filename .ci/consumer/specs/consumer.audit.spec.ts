// The package as a user's project sees it: the policy path is relative to the
// directory vitest runs in (the project root).
import { expect, test } from 'vitest';
import { as, describePolicy, failedAuthentication } from 'auditspec';

describePolicy('policy.yaml', () => {
  test('system:masters changes in full, failed authentication with ResponseStarted only', () => {
    expect(as('root', ['system:masters']).delete('deployments', 'web', { namespace: 'prod' })).toBeLoggedAt('RequestResponse');
    expect(failedAuthentication().list('pods')).toWriteStages(['ResponseStarted']);
    expect(as('alice').get('pods', 'web', { namespace: 'prod' })).toBeLoggedAt('Metadata');
  });
});
