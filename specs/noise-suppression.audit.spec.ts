// clusters/examples/noise-suppression.yaml: the noisy system traffic is dropped
// by explicit rules, and the same identities are still logged when they do
// anything else.
import { expect, test } from 'vitest';
import { anonymous, as, describePolicy, serviceAccount } from 'auditspec';

const kubeProxy = serviceAccount('kube-system', 'kube-proxy');
const kubelet = as('system:node:worker-1', ['system:nodes']);

describePolicy('clusters/examples/noise-suppression.yaml', () => {
  test.each([
    { what: 'kube-proxy watching endpoints', request: kubeProxy.watch('endpoints') },
    { what: 'kube-proxy watching endpointslices', request: kubeProxy.watch('endpointslices', { namespace: 'default' }) },
    { what: 'a kubelet renewing its lease', request: kubelet.update('leases', 'worker-1', { namespace: 'kube-node-lease' }) },
    { what: 'a load balancer probing /healthz', request: anonymous().nonResource('GET', '/healthz') },
    { what: 'a verbose readiness probe', request: anonymous().nonResource('GET', '/readyz?verbose') },
  ])('$what is dropped by a rule, not by falling through', ({ request }) => {
    expect(request).not.toBeLogged();
    expect(request).not.toHitDefault();
  });

  test('the same identities are logged when they do something else', () => {
    expect(kubeProxy.list('endpoints')).toBeLoggedAt('Metadata');
    expect(kubelet.update('leases', 'worker-1', { namespace: 'kube-system' })).toBeLoggedAt('Metadata');
    expect(anonymous().nonResource('GET', '/metrics')).toBeLoggedAt('Metadata');
  });

  test('the catch-all records without the duplicate RequestReceived event', () => {
    expect(as('alice').get('pods', 'web', { namespace: 'prod' })).toWriteStages(['ResponseComplete']);
    expect(as('alice').watch('pods', { namespace: 'prod' })).toWriteStages(['ResponseStarted', 'ResponseComplete']);
  });
});
