// clusters/examples/identities.yaml: system:masters, failed authentication and
// impersonation, each as kube-apiserver's policy evaluator sees them.
import { expect, test } from 'vitest';
import { anonymous, as, describePolicy, failedAuthentication } from 'auditspec';

const admin = as('root', ['system:masters']);

describePolicy('clusters/examples/identities.yaml', () => {
  test('system:masters changes are logged with request and response', () => {
    expect(admin.delete('deployments', 'web', { namespace: 'prod' })).toBeLoggedAt('RequestResponse');
    expect(admin.create('clusterrolebindings')).toBeLoggedAt('RequestResponse');
  });

  test('system:masters reads fall to Metadata', () => {
    expect(admin.list('secrets')).toBeLoggedAt('Metadata');
  });

  test('failed authentication: no user, so only the rule without users or groups matches, and only ResponseStarted is written', () => {
    const probe = failedAuthentication().nonResource('GET', '/healthz');
    expect(probe).toBeLoggedAt('Metadata');
    expect(probe).toBeDecidedBy(3);
    expect(probe).toWriteStages(['ResponseStarted']);
    expect(failedAuthentication().create('pods', { namespace: 'prod' })).toBeLoggedAt('Request');
  });

  test('anonymous probes (authenticated as system:anonymous) are dropped', () => {
    expect(anonymous().nonResource('GET', '/healthz')).not.toBeLogged();
  });

  test('impersonation: the policy sees the caller, never the impersonated user', () => {
    expect(admin.impersonating('bob').delete('deployments', 'web', { namespace: 'prod' })).toBeLoggedAt('RequestResponse');
    expect(as('bob').impersonating('root', ['system:masters']).delete('deployments', 'web', { namespace: 'prod' })).toBeLoggedAt('Request');
  });
});
