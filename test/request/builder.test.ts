import { describe, expect, it } from 'vitest';
import { attributesFromHttp } from '../../src/request/attributes.js';
import { anonymous, as, failedAuthentication, http, serviceAccount, setBuilderKubeVersion } from '../../src/request/builder.js';
import * as identity from '../../src/request/identity.js';
import type { AuditRequest } from '../../src/request/types.js';

const alice = as('alice', ['dev']);

/** Every builder result must be its own HTTP request resolved, nothing else. */
function sent(req: AuditRequest): { method: string; url: string } {
  expect(req.http).toBeDefined();
  expect(req.attributes).toEqual(attributesFromHttp(req.http!));
  return { method: req.http!.method, url: req.http!.url };
}

describe('resource requests', () => {
  it.each<[string, AuditRequest, string, string, Record<string, unknown>]>([
    ['get', alice.get('secrets', 'db', { namespace: 'prod' }), 'GET', '/api/v1/namespaces/prod/secrets/db', { verb: 'get', resource: 'secrets', name: 'db' }],
    ['a group from the catalogue', alice.get('deployments', 'web', { namespace: 'a' }), 'GET', '/apis/apps/v1/namespaces/a/deployments/web', { apiGroup: 'apps', apiVersion: 'v1' }],
    ['list', alice.list('pods', { namespace: 'a' }), 'GET', '/api/v1/namespaces/a/pods', { verb: 'list', name: '' }],
    ['list across namespaces', alice.list('pods'), 'GET', '/api/v1/pods', { verb: 'list', namespace: '' }],
    ['list one name', alice.list('configmaps', { namespace: 'a', name: 'cfg' }), 'GET', '/api/v1/namespaces/a/configmaps?fieldSelector=metadata.name%3Dcfg', { verb: 'list', name: 'cfg' }],
    ['watch', alice.watch('pods'), 'GET', '/api/v1/pods?watch=true', { verb: 'watch' }],
    ['watch one name', alice.watch('leases', { namespace: 'kube-system', name: 'x' }), 'GET', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases?watch=true&fieldSelector=metadata.name%3Dx', { verb: 'watch', name: 'x' }],
    ['create', alice.create('pods', { namespace: 'a' }), 'POST', '/api/v1/namespaces/a/pods', { verb: 'create', name: '' }],
    ['update', alice.update('configmaps', 'c', { namespace: 'a' }), 'PUT', '/api/v1/namespaces/a/configmaps/c', { verb: 'update' }],
    ['patch', alice.patch('nodes', 'n1'), 'PATCH', '/api/v1/nodes/n1', { verb: 'patch', namespace: '' }],
    ['delete', alice.delete('clusterroles', 'admin'), 'DELETE', '/apis/rbac.authorization.k8s.io/v1/clusterroles/admin', { verb: 'delete' }],
    ['deleteCollection', alice.deleteCollection('pods', { namespace: 'a' }), 'DELETE', '/api/v1/namespaces/a/pods', { verb: 'deletecollection' }],
    ['a Namespace object is its own namespace', alice.get('namespaces', 'prod'), 'GET', '/api/v1/namespaces/prod', { resource: 'namespaces', namespace: 'prod', name: 'prod' }],
    ['namespace finalize', alice.subresource('update', 'namespaces', 'prod', 'finalize'), 'PUT', '/api/v1/namespaces/prod/finalize', { subresource: 'finalize', namespace: 'prod' }],
    ['scale', alice.subresource('patch', 'deployments', 'web', 'scale', { namespace: 'a' }), 'PATCH', '/apis/apps/v1/namespaces/a/deployments/web/scale', { verb: 'patch', subresource: 'scale' }],
    ['exec over SPDY', alice.exec('web', { namespace: 'a', command: ['ls', '-l'] }), 'POST', '/api/v1/namespaces/a/pods/web/exec?command=ls&command=-l&stdout=true', { verb: 'create', subresource: 'exec' }],
    ['exec over WebSocket', alice.exec('web', { namespace: 'a', websocket: true }), 'GET', '/api/v1/namespaces/a/pods/web/exec?stdout=true', { verb: 'get', subresource: 'exec' }],
    ['attach', alice.attach('web', { namespace: 'a', container: 'c' }), 'POST', '/api/v1/namespaces/a/pods/web/attach?container=c&stdout=true', { verb: 'create', subresource: 'attach' }],
    ['port-forward', alice.portForward('web', { namespace: 'a' }), 'POST', '/api/v1/namespaces/a/pods/web/portforward', { subresource: 'portforward' }],
    ['logs', alice.logs('web', { namespace: 'a', container: 'c', follow: true }), 'GET', '/api/v1/namespaces/a/pods/web/log?container=c&follow=true', { verb: 'get', subresource: 'log' }],
    ['extra query', alice.list('pods', { namespace: 'a', query: { labelSelector: 'app=web', limit: 5 } }), 'GET', '/api/v1/namespaces/a/pods?labelSelector=app%3Dweb&limit=5', { verb: 'list' }],
    ['a CRD', alice.get('widgets', 'w', { namespace: 'a', group: 'example.com', version: 'v1' }), 'GET', '/apis/example.com/v1/namespaces/a/widgets/w', { apiGroup: 'example.com' }],
    ['a cluster-scoped CRD', alice.list('things', { group: 'x.io', version: 'v2' }), 'GET', '/apis/x.io/v2/things', { apiGroup: 'x.io', apiVersion: 'v2' }],
    ['kubectl spelling', alice.list('ingresses.networking.k8s.io', { namespace: 'a' }), 'GET', '/apis/networking.k8s.io/v1/namespaces/a/ingresses', { apiGroup: 'networking.k8s.io' }],
    ['events: core wins', alice.list('events', { namespace: 'a' }), 'GET', '/api/v1/namespaces/a/events', { apiGroup: '' }],
    ['events.k8s.io on request', alice.list('events', { namespace: 'a', group: 'events.k8s.io' }), 'GET', '/apis/events.k8s.io/v1/namespaces/a/events', { apiGroup: 'events.k8s.io' }],
    ['another served version', alice.list('clustertrustbundles', { version: 'v1alpha1' }), 'GET', '/apis/certificates.k8s.io/v1alpha1/clustertrustbundles', { apiVersion: 'v1alpha1' }],
    ['names escaped', alice.get('services', 'https:web:443', { namespace: 'a b' }), 'GET', '/api/v1/namespaces/a%20b/services/https:web:443', { namespace: 'a b', name: 'https:web:443' }],
  ])('%s', (_, req, method, url, attributes) => {
    expect(sent(req)).toEqual({ method, url });
    expect(req.attributes).toMatchObject({ resourceRequest: true, ...attributes });
  });

  it.each<[string, () => unknown, RegExp]>([
    ['a namespace on a cluster-scoped resource', () => alice.get('nodes', 'n1', { namespace: 'a' }), /nodes is cluster-scoped/],
    ['no namespace on a namespaced get', () => alice.get('pods', 'p'), /pods is namespaced: give \{ namespace \}/],
    ['no namespace on a create', () => alice.create('deployments'), /deployments\.apps is namespaced/],
    ['an unknown resource, suggesting the plural', () => alice.list('deployment'), /unknown resource "deployment".*Did you mean "deployments"/],
    ['a typo', () => alice.list('deploymnets'), /Did you mean "deployments"/],
    ['a short name', () => alice.list('deploy'), /Did you mean "deployments"/],
    ['a kind', () => alice.list('ConfigMap'), /Did you mean "configmaps"/],
    ['no suggestion for nonsense', () => alice.list('zzzzzzzz'), /^unknown resource "zzzzzzzz": kube-apiserver 1.36.4 has no such built-in resource. For a custom resource/],
    ['a CRD without a version', () => alice.list('widgets', { group: 'example.com' }), /give \{ group, version \}/],
    ['an unserved version', () => alice.list('deployments', { version: 'v1beta1' }), /deployments\.apps is served in v1, not v1beta1/],
    ['an unknown subresource', () => alice.subresource('get', 'deployments', 'web', 'logs', { namespace: 'a' }), /has no subresource "logs" \(it has: scale, status\)/],
    ['an empty name', () => alice.get('secrets', '', { namespace: 'a' }), /a name is required/],
    ['an empty namespace', () => alice.list('secrets', { namespace: '' }), /namespace must not be empty/],
    ['a subresource in the resource', () => alice.get('pods/log', 'p', { namespace: 'a' }), /not a resource name/],
    ['a bad subresource verb', () => alice.subresource('list' as 'get', 'pods', 'p', 'log', { namespace: 'a' }), /subresource verb must be one of/],
  ])('rejects %s', (_, build, message) => {
    expect(build).toThrow(message);
  });
});

describe('identities', () => {
  it('as() takes a name and groups or an Identity', () => {
    expect(alice.identity).toEqual({ kind: 'user', name: 'alice', groups: ['dev'] });
    expect(as(identity.anonymous).identity).toEqual({ kind: 'anonymous' });
  });

  it('sees service accounts as their token authenticator names them', () => {
    const req = serviceAccount('kube-system', 'replicaset-controller').create('pods', { namespace: 'default' });
    expect(req.attributes.user).toEqual({
      name: 'system:serviceaccount:kube-system:replicaset-controller',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'],
    });
    expect(req.label).toBe(
      'system:serviceaccount:kube-system:replicaset-controller [system:serviceaccounts, system:serviceaccounts:kube-system] POST /api/v1/namespaces/default/pods',
    );
  });

  it('anonymous and failed authentication', () => {
    expect(anonymous().nonResource('GET', '/healthz').attributes).toMatchObject({
      user: { name: 'system:anonymous', groups: ['system:unauthenticated'] },
      verb: 'get',
      resourceRequest: false,
      path: '/healthz',
    });
    const failed = failedAuthentication().list('secrets');
    expect(failed.attributes.user).toBeNull();
    expect(failed.label).toBe('<unauthenticated> GET /api/v1/secrets');
  });

  it('impersonation: the policy sees the caller, the request carries the impersonated user', () => {
    const req = as('admin', ['system:masters']).impersonating('bob', ['x']).delete('secrets', 's', { namespace: 'a' });
    expect(req.http?.identity).toEqual({ kind: 'impersonating', caller: { name: 'admin', groups: ['system:masters'] }, as: { name: 'bob', groups: ['x'] } });
    expect(req.attributes.user).toEqual({ name: 'admin', groups: ['system:masters', 'system:authenticated'] });
    expect(req.label).toBe('admin [system:masters] as bob [x] DELETE /api/v1/namespaces/a/secrets/s');
    expect(() => anonymous().impersonating('bob')).toThrow(/only an authenticated user can impersonate/);
  });
});

describe('raw requests', () => {
  it('http() sends exactly what is written', () => {
    const req = alice.http('PATCH /apis/apps/v1/namespaces/a/deployments/web/scale');
    expect(sent(req)).toEqual({ method: 'PATCH', url: '/apis/apps/v1/namespaces/a/deployments/web/scale' });
    expect(req.label).toBe('alice [dev] PATCH /apis/apps/v1/namespaces/a/deployments/web/scale');
    expect(sent(alice.http('get', '/api/v1/pods'))).toEqual({ method: 'get', url: '/api/v1/pods' });
    // An unknown method on a resource: the empty verb, as upstream.
    expect(alice.http('OPTIONS /api/v1/pods').attributes.verb).toBe('');
    expect(http('GET /readyz', identity.anonymous).attributes.user?.name).toBe('system:anonymous');
    expect(http('GET /readyz', failedAuthentication()).attributes.user).toBeNull();
  });

  it('nonResource() refuses resource paths, and bad requests are refused with the reason', () => {
    expect(() => alice.nonResource('GET', '/api/v1/pods')).toThrow(/is a resource request for kube-apiserver \(list pods\)/);
    expect(() => alice.nonResource('GET', 'healthz')).toThrow(/starts with "\/"/);
    expect(() => alice.http('GET /api/v1/pods/%zz')).toThrow(/kube-apiserver would refuse GET \/api\/v1\/pods\/%zz before auditing it: parse "\/api\/v1\/pods\/%zz": invalid URL escape "%zz"/);
    expect(() => alice.http('GET')).toThrow(/expected "METHOD \/url"/);
    expect(sent(alice.nonResource('HEAD', '/livez'))).toEqual({ method: 'HEAD', url: '/livez' });
    expect(alice.nonResource('HEAD', '/livez').attributes.verb).toBe('head');
  });
});

describe('the version whose built-in resources the builder knows', () => {
  it('uses that version\'s preferred version and refuses what it does not serve', () => {
    const previous = setBuilderKubeVersion('1.33');
    try {
      expect(alice.list('resourceclaims', { namespace: 'a' }).http?.url).toBe('/apis/resource.k8s.io/v1beta2/namespaces/a/resourceclaims');
      expect(() => alice.list('workloads', { namespace: 'a' })).toThrow(/^unknown resource "workloads": kube-apiserver 1\.33\.13 has no such built-in resource/);
    } finally {
      setBuilderKubeVersion(previous);
    }
    expect(alice.list('resourceclaims', { namespace: 'a' }).http?.url).toBe('/apis/resource.k8s.io/v1/namespaces/a/resourceclaims');
  });
});
