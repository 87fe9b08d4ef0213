// Real published policies from ../shared/corpus (the `corpus` test project), held to what their own
// comments promise — and to a few things they do that their authors may not
// have meant.
import { describe, expect, test } from 'vitest';
import { anonymous, as, describePolicy, failedAuthentication, loadPolicy, PolicyLoadError, serviceAccount } from 'auditspec';
import { corpusPath, corpusSkipReason } from '../support/corpus.js';

const policies = corpusPath('policies/');
const missing = corpusSkipReason('policies');

describe('published audit policies', () => {
  // describePolicy loads its policy while collecting, so without the corpus one skipped test says why.
  if (missing !== '') {
    test.skip(`kubespray, OpenShift and EKS policies held to their own comments${missing}`, () => {});
    return;
  }

  describePolicy(`${policies}kubespray-default.yaml`, () => {
    test('drops the legacy kube-proxy user\'s watches and health probes', () => {
      expect(as('system:kube-proxy').watch('endpoints')).not.toBeLogged();
      expect(anonymous().nonResource('GET', '/healthz/etcd')).not.toBeLogged();
      expect(anonymous().nonResource('GET', '/swagger.json')).not.toBeLogged();
    });
    test('but kubeadm\'s kube-proxy is a service account, which those rules do not cover', () => {
      expect(serviceAccount('kube-system', 'kube-proxy').watch('endpoints')).toBeLoggedAt('Request');
    });
    test('secrets and tokens at Metadata, reads of known groups at Request, writes at RequestResponse', () => {
      expect(as('alice').get('secrets', 'db', { namespace: 'prod' })).toBeLoggedAt('Metadata');
      expect(as('alice').list('pods', { namespace: 'prod' })).toBeLoggedAt('Request');
      expect(as('alice').create('deployments', { namespace: 'prod' })).toBeLoggedAt('RequestResponse');
    });
    test('custom resources fall to the Metadata catch-all', () => {
      const crd = as('alice').create('widgets', { namespace: 'prod', group: 'example.com', version: 'v1' });
      expect(crd).toBeLoggedAt('Metadata');
      expect(crd).toOmitStage('RequestReceived');
    });
  });

  describePolicy(`${policies}openshift-default.yaml`, () => {
    test('discovery under /api* is not logged for authenticated or anonymous callers', () => {
      expect(as('alice').nonResource('GET', '/apis')).not.toBeLogged();
      expect(anonymous().nonResource('GET', '/api/v1')).not.toBeLogged();
    });
    test('failed authentication is in neither group, so the same discovery request is logged', () => {
      const request = failedAuthentication().nonResource('GET', '/apis');
      expect(request).toBeLoggedAt('Metadata');
      expect(request).toWriteStages(['ResponseStarted']);
    });
    test('identity changes are logged in full, managed fields omitted', () => {
      const request = as('system:serviceaccount:openshift-authentication:oauth-openshift').create('identities', {
        group: 'user.openshift.io',
        version: 'v1',
      });
      expect(request).toBeLoggedAt('RequestResponse');
      expect(request).toOmitManagedFields();
    });
    test('kube-apiserver\'s own apirequestcounts writes are dropped only while cluster-scoped', () => {
      const apiserver = as('system:apiserver', ['system:masters']);
      expect(apiserver.subresource('update', 'apirequestcounts', 'pods.v1', 'status', { group: 'apiserver.openshift.io', version: 'v1' })).not.toBeLogged();
      expect(apiserver.update('apirequestcounts', 'pods.v1', { group: 'apiserver.openshift.io', version: 'v1', namespace: 'x' })).toBeLoggedAt('Metadata');
    });
  });

  test('EKS\'s documented policy is audit.k8s.io/v1beta1, which kube-apiserver 1.24+ refuses to start with', () => {
    const load = () => loadPolicy({ file: `${policies}eks-best-practices-documented.yaml` });
    expect(load).toThrow(PolicyLoadError);
    expect(() => load()).toThrow(expect.objectContaining({ reason: 'failed decoding: no kind "Policy" is registered for version "audit.k8s.io/v1beta1" in scheme "pkg/runtime/scheme.go:111"' }));
  });
});
