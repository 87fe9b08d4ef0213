import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  attributesFromHttp,
  describeAttributes,
  httpFromAttributes,
  sameRequestAttributes,
} from '../../src/request/attributes.js';
import { BadRequestTargetError, RequestInfoError } from '../../src/request/requestInfo.js';
import type { RequestAttributes } from '../../src/request/types.js';
import { corpusPath, corpusSkipReason } from '../support/corpus.js';

const alice = { kind: 'user', name: 'alice', groups: ['dev'] } as const;

function attrs(partial: Partial<RequestAttributes>): RequestAttributes {
  return {
    user: null,
    verb: '',
    resourceRequest: true,
    apiGroup: '',
    apiVersion: 'v1',
    resource: '',
    subresource: '',
    namespace: '',
    name: '',
    path: '',
    ...partial,
  };
}

describe('attributesFromHttp', () => {
  it('combines the resolved request with the user the policy sees', () => {
    expect(attributesFromHttp({ method: 'GET', url: '/apis/apps/v1/namespaces/prod/deployments/web/scale', identity: alice })).toEqual({
      user: { name: 'alice', groups: ['dev', 'system:authenticated'] },
      verb: 'get',
      resourceRequest: true,
      apiGroup: 'apps',
      apiVersion: 'v1',
      resource: 'deployments',
      subresource: 'scale',
      namespace: 'prod',
      name: 'web',
      path: '/apis/apps/v1/namespaces/prod/deployments/web/scale',
    });
  });

  it('passes on why kube-apiserver refuses a request before auditing it', () => {
    expect(() => attributesFromHttp({ method: 'GET', url: '/api/v1/pods/%zz', identity: alice })).toThrow(BadRequestTargetError);
    expect(() => attributesFromHttp({ method: 'GET', url: '/api/v1/watch', identity: alice })).toThrow(RequestInfoError);
  });
});

describe('httpFromAttributes', () => {
  // Every request of the upstream table that kube-apiserver resolves must come back
  // as some request resolving to exactly the same attributes.
  const table = readFileSync(new URL('./fixtures/requestInfo.upstream.jsonl', import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { method: string; url: string; httpError?: string; infoError?: string; info?: { Path: string } })
    .filter((c) => !c.httpError && !c.infoError)
    // An empty path (CONNECT "*", "GET http://host") is real, but no client sends an empty target.
    .filter((c) => c.info!.Path !== '');

  it.each(table.map((c) => [`${c.method} ${c.url}`, c] as const))('round-trips %s', (_, c) => {
    const original = attributesFromHttp({ method: c.method, url: c.url, identity: alice });
    const found = httpFromAttributes(original);
    expect(found).toBeDefined();
    const again = attributesFromHttp({ ...found!, identity: alice });
    expect(again).toEqual(original);
  });

  it.each([
    ['a named get', attrs({ verb: 'get', resource: 'pods', namespace: 'a', name: 'web' }), 'GET', '/api/v1/namespaces/a/pods/web'],
    ['a list', attrs({ verb: 'list', apiGroup: 'apps', resource: 'deployments' }), 'GET', '/apis/apps/v1/deployments'],
    ['a watch', attrs({ verb: 'watch', resource: 'pods', namespace: 'a' }), 'GET', '/api/v1/namespaces/a/pods?watch=true'],
    ['a list of one name', attrs({ verb: 'list', resource: 'pods', namespace: 'a', name: 'w,1' }), 'GET', '/api/v1/namespaces/a/pods?fieldSelector=metadata.name%3Dw%5C%2C1'],
    ['a watch of one name', attrs({ verb: 'watch', resource: 'pods', namespace: 'a', name: 'web' }), 'GET', '/api/v1/namespaces/a/pods?watch=true&fieldSelector=metadata.name%3Dweb'],
    ['a watch of a subresource', attrs({ verb: 'watch', resource: 'pods', namespace: 'a', name: 'web', subresource: 'status' }), 'GET', '/api/v1/watch/namespaces/a/pods/web/status'],
    ['a create', attrs({ verb: 'create', resource: 'namespaces' }), 'POST', '/api/v1/namespaces'],
    ['a namespace object', attrs({ verb: 'update', resource: 'namespaces', namespace: 'ns', name: 'ns', subresource: 'finalize' }), 'PUT', '/api/v1/namespaces/ns/finalize'],
    ['a deletecollection', attrs({ verb: 'deletecollection', resource: 'pods', namespace: 'a' }), 'DELETE', '/api/v1/namespaces/a/pods'],
    ['a proxy', attrs({ verb: 'proxy', resource: 'nodes', name: 'n1' }), 'GET', '/api/v1/proxy/nodes/n1'],
    ['the empty verb', attrs({ verb: '', resource: 'pods' }), 'OPTIONS', '/api/v1/pods'],
    ['escaped names', attrs({ verb: 'get', resource: 'services', namespace: 'a', name: 'https:web:443', subresource: 'proxy' }), 'GET', '/api/v1/namespaces/a/services/https:web:443/proxy'],
    ['a name with a percent sign', attrs({ verb: 'delete', resource: 'secrets', namespace: 'a', name: '50%' }), 'DELETE', '/api/v1/namespaces/a/secrets/50%25'],
    ['a list whose recorded path has a trailing slash', attrs({ verb: 'list', resource: 'pods', namespace: 'a', name: 'x', path: '/api/v1/namespaces/a/pods/' }), 'GET', '/api/v1/namespaces/a/pods/?fieldSelector=metadata.name%3Dx'],
    ['a watch whose recorded path has a trailing slash', attrs({ verb: 'watch', resource: 'pods', namespace: 'a', path: '/api/v1/namespaces/a/pods/' }), 'GET', '/api/v1/namespaces/a/pods/?watch=true'],
    ['a non-resource path', attrs({ resourceRequest: false, apiVersion: '', verb: 'post', path: '/logs/a b' }), 'POST', '/logs/a%20b'],
  ])('finds %s', (_, a, method, url) => {
    expect(httpFromAttributes(a)).toEqual({ method, url });
  });

  it.each([
    ['verbs no URL produces', attrs({ verb: 'impersonate', resource: 'users', name: 'bob' })],
    ['a get without a name', attrs({ verb: 'get', resource: 'pods' })],
    ['a resource called status inside a namespace', attrs({ verb: 'get', resource: 'status', namespace: 'a', name: 'x' })],
    ['a Namespace named differently from its namespace', attrs({ verb: 'get', resource: 'namespaces', name: 'x' })],
    // r.URL.Path is decoded, so %2F splits the path; a fieldSelector name may not hold "/" either.
    ['a name with a slash', attrs({ verb: 'delete', resource: 'secrets', namespace: 'a', name: 'x/y' })],
    ['a list of a name with a slash', attrs({ verb: 'list', resource: 'secrets', namespace: 'a', name: 'x/y' })],
    ['a proxy with a subresource', attrs({ verb: 'proxy', resource: 'nodes', name: 'n1', subresource: 'stats' })],
    ['a non-resource request under /api', attrs({ resourceRequest: false, verb: 'get', path: '/api/v1/pods' })],
    ['a non-resource verb no method lowercases to', attrs({ resourceRequest: false, verb: 'GET', path: '/healthz' })],
    ['a non-resource request without a path', attrs({ resourceRequest: false, verb: 'get', path: '' })],
    // CONNECT "*" reaches kube-apiserver with path "", but Node's client cannot send an empty target.
    ['a CONNECT without a path', attrs({ resourceRequest: false, verb: 'connect', path: '' })],
    ['a path that does not match the rest', attrs({ verb: 'get', resource: 'pods', namespace: 'a', name: 'web', path: '/api/v1/namespaces/b/pods/web' })],
  ])('finds nothing for %s', (_, a) => {
    expect(httpFromAttributes(a)).toBeUndefined();
  });

  const corpus = corpusPath('expectations/gce-audit-policy-test-cases.jsonl');
  const missing = corpusSkipReason('expectations/gce-audit-policy-test-cases.jsonl');
  describe.skipIf(missing !== '')(`upstream GCE matrix attributes${missing}`, () => {
    it('finds a request for every resource and non-resource case that HTTP can express', () => {
      const lines = readFileSync(corpus, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      let found = 0;
      for (const c of lines) {
        const a = attrs({
          verb: c.verb,
          resourceRequest: c.resourceRequest,
          apiGroup: c.apiGroup ?? '',
          apiVersion: c.apiVersion ?? '',
          resource: c.resource ?? '',
          subresource: c.subresource ?? '',
          namespace: c.namespace ?? '',
          path: c.path ?? '',
        });
        const h = httpFromAttributes(a);
        if (!h) continue;
        found++;
        const back = attributesFromHttp({ ...h, identity: alice });
        expect(sameRequestAttributes(back, { ...a, path: a.resourceRequest ? back.path : a.path })).toBe(true);
      }
      // Only get and delete without a name have no HTTP form in this matrix: on a
      // collection, kube-apiserver calls them list (or watch) and deletecollection.
      const impossible = lines.filter((c) => c.resourceRequest && ['get', 'delete'].includes(c.verb) && !c.name).length;
      expect(impossible).toBe(106);
      expect(found).toBe(lines.length - impossible);
    });
  });
});

describe('describeAttributes', () => {
  it('names the user, verb and object', () => {
    expect(
      describeAttributes(
        attrs({ user: { name: 'alice', groups: ['dev'] }, verb: 'update', apiGroup: 'apps', resource: 'deployments', subresource: 'scale', namespace: 'prod', name: 'web' }),
      ),
    ).toBe('alice [dev] update deployments.apps/scale web in prod');
    expect(describeAttributes(attrs({ resourceRequest: false, verb: 'get', path: '/healthz' }))).toBe('<unauthenticated> get /healthz');
  });
});
