// clusters/examples/sensitive-resources.yaml: secrets and tokens never with
// their contents, access control and admission configuration in full,
// workload writes with their request body.
import { expect, test } from 'vitest';
import { as, describePolicy, serviceAccount } from 'auditspec';

const alice = as('alice', ['dev']);

describePolicy('clusters/examples/sensitive-resources.yaml', () => {
  test.each([
    { what: 'reading a secret', request: alice.get('secrets', 'db', { namespace: 'prod' }) },
    { what: 'writing a secret', request: alice.update('secrets', 'db', { namespace: 'prod' }) },
    { what: 'patching a config map', request: alice.patch('configmaps', 'settings', { namespace: 'prod' }) },
    { what: 'requesting a service account token', request: alice.subresource('create', 'serviceaccounts', 'builder', 'token', { namespace: 'ci' }) },
    { what: 'a token review', request: serviceAccount('kube-system', 'metrics-server').create('tokenreviews') },
  ])('$what: Metadata only, by the first rule', ({ request }) => {
    expect(request).toBeLoggedAt('Metadata');
    expect(request).toBeDecidedBy(0);
  });

  test.each([
    { what: 'a new cluster role binding', request: alice.create('clusterrolebindings') },
    { what: 'a role edited', request: alice.update('roles', 'reader', { namespace: 'prod' }) },
    { what: 'a validating webhook configuration patched', request: alice.patch('validatingwebhookconfigurations', 'policy-controller') },
    { what: 'a mutating webhook configuration deleted', request: alice.delete('mutatingwebhookconfigurations', 'injector') },
  ])('$what: RequestResponse', ({ request }) => {
    expect(request).toBeLoggedAt('RequestResponse');
  });

  test.each([
    { what: 'a new deployment', request: alice.create('deployments', { namespace: 'prod' }) },
    { what: 'scaling a deployment', request: alice.subresource('patch', 'deployments', 'web', 'scale', { namespace: 'prod' }) },
    { what: 'a job', request: alice.create('jobs', { namespace: 'batch-jobs' }) },
    { what: 'a pod deleted', request: alice.delete('pods', 'web-0', { namespace: 'prod' }) },
  ])('$what: Request, managedFields dropped', ({ request }) => {
    expect(request).toBeLoggedAt('Request');
    expect(request).toOmitManagedFields();
    expect(request).toWriteStages(['ResponseComplete']);
  });

  test('reads of workloads carry no body', () => {
    expect(alice.get('deployments', 'web', { namespace: 'prod' })).toBeLoggedAt('Metadata');
  });
});
