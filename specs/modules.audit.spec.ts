// clusters/modules/: one policy written as modules, each owned by a team. The
// whole directory is what kube-apiserver gets (composed in file-name order,
// exactly as `auditspec build clusters/modules` writes it), and each
// describeModule block states which requests its module must decide: if an
// earlier module starts taking them, that module's spec fails, naming it.
import { expect, test } from 'vitest';
import { anonymous, as, describeModule, describePolicy, serviceAccount } from 'auditspec';

const DIR = 'clusters/modules';
const alice = as('alice', ['dev']);
const node = as('system:node:worker-1', ['system:nodes']);

describeModule(DIR, '10-noise.yaml', () => {
  test.each([
    { what: 'kube-proxy watching endpoint slices', request: serviceAccount('kube-system', 'kube-proxy').watch('endpointslices.discovery.k8s.io') },
    { what: 'a kubelet reading its node', request: node.get('nodes', 'worker-1') },
    { what: 'a kubelet renewing its lease', request: node.update('leases.coordination.k8s.io', 'worker-1', { namespace: 'kube-node-lease' }) },
    { what: 'a health check', request: anonymous().nonResource('GET', '/healthz') },
  ])('$what: not logged, by the noise module', ({ request }) => {
    expect(request).not.toBeLogged();
    expect(request).toBeDecidedByModule();
  });

  test("a person's reads of the same objects are still logged", () => {
    expect(alice.get('nodes', 'worker-1')).toBeLoggedAt('Metadata');
    expect(alice.get('nodes', 'worker-1')).toBeDecidedByModule('90-catch-all.yaml');
  });
});

describeModule(DIR, '20-secrets.yaml', () => {
  test.each([
    { what: 'reading a secret', request: alice.get('secrets', 'db', { namespace: 'prod' }) },
    { what: 'writing a secret', request: alice.update('secrets', 'db', { namespace: 'prod' }) },
    { what: 'patching a config map', request: alice.patch('configmaps', 'settings', { namespace: 'prod' }) },
    { what: 'requesting a service account token', request: alice.subresource('create', 'serviceaccounts', 'builder', 'token', { namespace: 'ci' }) },
    { what: 'a token review', request: serviceAccount('kube-system', 'metrics-server').create('tokenreviews.authentication.k8s.io') },
  ])('$what: Metadata only, never the body', ({ request }) => {
    expect(request).toBeLoggedAt('Metadata');
    expect(request).toBeDecidedByModule();
  });
});

describeModule(DIR, '30-rbac.yaml', () => {
  test.each([
    { what: 'a new cluster role binding', request: alice.create('clusterrolebindings.rbac.authorization.k8s.io') },
    { what: 'a role edited', request: alice.update('roles.rbac.authorization.k8s.io', 'reader', { namespace: 'prod' }) },
    { what: 'a role binding deleted', request: alice.delete('rolebindings.rbac.authorization.k8s.io', 'readers', { namespace: 'prod' }) },
  ])('$what: RequestResponse', ({ request }) => {
    expect(request).toBeLoggedAt('RequestResponse');
    expect(request).toBeDecidedByModule();
  });

  test('reading access control is left to the catch-all', () => {
    expect(alice.list('clusterroles.rbac.authorization.k8s.io')).toBeDecidedByModule('90-catch-all.yaml');
  });
});

describeModule(DIR, '40-workloads.yaml', () => {
  test.each([
    { what: 'a new deployment', request: alice.create('deployments.apps', { namespace: 'prod' }) },
    { what: 'scaling a deployment', request: alice.subresource('patch', 'deployments.apps', 'web', 'scale', { namespace: 'prod' }) },
    { what: 'a job', request: alice.create('jobs.batch', { namespace: 'batch-jobs' }) },
    { what: 'a pod deleted', request: alice.delete('pods', 'web-0', { namespace: 'prod' }) },
  ])('$what: Request, managedFields dropped, one event', ({ request }) => {
    expect(request).toBeLoggedAt('Request');
    expect(request).toOmitManagedFields();
    expect(request).toWriteStages(['ResponseComplete']);
    expect(request).toBeDecidedByModule();
  });
});

describeModule(DIR, '90-catch-all.yaml', () => {
  test('everything else: Metadata, without RequestReceived', () => {
    const read = alice.get('deployments.apps', 'web', { namespace: 'prod' });
    expect(read).toBeLoggedAt('Metadata');
    expect(read).toOmitStage('RequestReceived');
    expect(read).toBeDecidedByModule();
  });
});

describePolicy(DIR, () => {
  test('secrets win over the workload module even for a workload team writing them', () => {
    // 20-secrets.yaml sorts before 40-workloads.yaml, so its rule is reached first.
    expect(alice.create('secrets', { namespace: 'prod' })).toBeDecidedByModule('20-secrets.yaml');
    expect(alice.create('secrets', { namespace: 'prod' })).not.toBeDecidedByModule('40-workloads.yaml');
  });
});
