// What clusters/policy.yaml promises, request by request. Offline this runs in
// milliseconds; `auditspec test --cluster local` proves every line of it on a
// real kube-apiserver.
import { describe, expect, test } from 'vitest';
import { anonymous, as, describePolicy, failedAuthentication, serviceAccount } from 'auditspec';

const alice = as('alice', ['dev']);
const admin = as('root', ['system:masters']);
const kubelet = as('system:node:worker-1', ['system:nodes']);

describePolicy('clusters/policy.yaml', () => {
  describe('system noise is not logged', () => {
    test.each([
      { who: 'kube-proxy watching endpoints', request: serviceAccount('kube-system', 'kube-proxy').watch('endpoints') },
      { who: 'kube-proxy watching endpointslices', request: serviceAccount('kube-system', 'kube-proxy').watch('endpointslices', { namespace: 'default' }) },
      { who: 'a kubelet reading its node', request: kubelet.get('nodes', 'worker-1') },
      { who: 'a kubelet renewing its lease', request: kubelet.update('leases', 'worker-1', { namespace: 'kube-node-lease' }) },
      { who: 'the scheduler renewing its lease', request: as('system:kube-scheduler').update('leases', 'kube-scheduler', { namespace: 'kube-system' }) },
      { who: 'kube-apiserver reading a namespace', request: as('system:apiserver', ['system:masters']).get('namespaces', 'default') },
      { who: 'a load balancer probing /healthz', request: anonymous().nonResource('GET', '/healthz') },
      { who: 'a kubelet probing /livez', request: anonymous().nonResource('GET', '/livez') },
      { who: 'a verbose readiness probe', request: anonymous().nonResource('GET', '/readyz?verbose') },
      { who: 'an etcd health check', request: anonymous().nonResource('GET', '/healthz/etcd') },
      { who: 'a controller writing an event', request: serviceAccount('kube-system', 'deployment-controller').create('events', { namespace: 'prod' }) },
    ])('$who', ({ request }) => {
      expect(request).not.toBeLogged();
      expect(request).not.toHitDefault();
    });

    test('the same identities are logged when they do something unusual', () => {
      expect(serviceAccount('kube-system', 'kube-proxy').list('endpoints')).toBeLoggedAt('Metadata');
      expect(kubelet.patch('nodes', 'worker-1')).toBeLoggedAt('Metadata');
      expect(kubelet.subresource('patch', 'pods', 'web-0', 'status', { namespace: 'prod' })).toBeLoggedAt('Metadata');
      expect(anonymous().nonResource('GET', '/metrics')).toBeLoggedAt('Metadata');
    });
  });

  describe('secrets and tokens: who, never what', () => {
    test.each([
      { what: 'reading a secret', request: alice.get('secrets', 'db', { namespace: 'prod' }) },
      { what: 'listing secrets', request: alice.list('secrets', { namespace: 'prod' }) },
      { what: 'an admin writing a secret', request: admin.update('secrets', 'db', { namespace: 'prod' }) },
      { what: 'a config map change', request: alice.patch('configmaps', 'settings', { namespace: 'prod' }) },
      { what: 'a token request', request: alice.subresource('create', 'serviceaccounts', 'builder', 'token', { namespace: 'ci' }) },
      { what: 'a token review', request: serviceAccount('kube-system', 'metrics-server').create('tokenreviews') },
    ])('$what is logged at Metadata', ({ request }) => {
      expect(request).toBeLoggedAt('Metadata');
      expect(request).toBeDecidedBy(7);
    });
  });

  describe('cluster administrators', () => {
    test('their changes are logged with request and response', () => {
      expect(admin.delete('deployments', 'web', { namespace: 'prod' })).toBeLoggedAt('RequestResponse');
      expect(admin.create('namespaces')).toBeLoggedAt('RequestResponse');
    });
    test('their reads are metadata only', () => {
      expect(admin.list('pods')).toBeLoggedAt('Metadata');
    });
    test('under impersonation the policy sees the caller, not the impersonated user', () => {
      expect(admin.impersonating('bob').delete('deployments', 'web', { namespace: 'prod' })).toBeLoggedAt('RequestResponse');
      expect(as('bob').impersonating('root', ['system:masters']).delete('deployments', 'web', { namespace: 'prod' })).toBeLoggedAt('Request');
    });
  });

  describe('access control and admission in full detail', () => {
    test.each([
      alice.create('clusterrolebindings'),
      alice.get('roles', 'reader', { namespace: 'prod' }),
      alice.patch('validatingwebhookconfigurations', 'policy-controller'),
      alice.subresource('update', 'certificatesigningrequests', 'csr-1', 'approval'),
    ])('%#: RequestResponse', (request) => {
      expect(request).toBeLoggedAt('RequestResponse');
    });
  });

  describe('interactive access to workloads', () => {
    test.each([
      { how: 'exec over SPDY (POST, verb create)', request: alice.exec('web-0', { namespace: 'prod', command: ['sh'] }) },
      { how: 'exec over WebSocket (GET, verb get)', request: alice.exec('web-0', { namespace: 'prod', command: ['sh'], websocket: true }) },
      { how: 'port-forward', request: alice.portForward('web-0', { namespace: 'prod' }) },
    ])('$how is logged at Metadata, with ResponseStarted as it is long-running', ({ request }) => {
      expect(request).toBeLoggedAt('Metadata');
      expect(request).toWriteStages(['ResponseStarted', 'ResponseComplete']);
    });
  });

  describe('workload changes carry the request body', () => {
    test.each([
      { what: 'a new deployment', request: alice.create('deployments', { namespace: 'prod' }) },
      { what: 'scaling a deployment', request: alice.subresource('patch', 'deployments', 'web', 'scale', { namespace: 'prod' }) },
      { what: 'a job', request: alice.create('jobs', { namespace: 'batch-jobs' }) },
      { what: 'a pod deleted', request: alice.delete('pods', 'web-0', { namespace: 'prod' }) },
      { what: 'a network policy', request: alice.update('networkpolicies', 'deny-all', { namespace: 'prod' }) },
    ])('$what: Request', ({ request }) => {
      expect(request).toBeLoggedAt('Request');
      expect(request).toOmitManagedFields();
    });
  });

  describe('everything else is at least recorded', () => {
    test('reads are Metadata; a watch also writes ResponseStarted', () => {
      expect(alice.get('pods', 'web-0', { namespace: 'prod' })).toBeLoggedAt('Metadata');
      expect(alice.watch('pods', { namespace: 'prod' })).toWriteStages(['ResponseStarted', 'ResponseComplete']);
      expect(alice.logs('web-0', { namespace: 'prod', follow: true })).toBeLoggedAt('Metadata');
    });
    test('failed authentication is logged by the catch-all, with only ResponseStarted', () => {
      const request = failedAuthentication().patch('nodes', 'worker-1');
      expect(request).toBeLoggedAt('Metadata');
      expect(request).toBeDecidedBy(13);
      expect(request).toWriteStages(['ResponseStarted']);
    });
    test('no request falls through to the default', () => {
      expect(anonymous().http('OPTIONS /apis')).not.toHitDefault();
      expect(alice.http('PUT /api/v1/namespaces/prod/pods/web-0/binding')).not.toHitDefault();
    });
    test('RequestReceived is never written', () => {
      expect(alice.create('pods', { namespace: 'prod' })).toOmitStage('RequestReceived');
      expect(alice.get('nodes', 'worker-1')).toWriteStages(['ResponseComplete']);
    });
  });
});
