// Generates requests two ways: as a client sends them (method, request target
// with query, identity), to test RequestInfo resolution and the whole path to
// a decision; and as bare attributes, to test the matcher on combinations no
// URL produces (a literal "*" resource, a resource request with no group...).
// Both lean on what the policy mentions so that its rules actually fire.

import type { HttpRequest, Identity, RequestAttributes, UserInfo } from '../../src/request/types.js';
import type { Mentions } from './policy.js';
import type { Random } from './random.js';
import * as V from './vocabulary.js';

/** Picks from the policy's mentions most of the time, from the vocabulary otherwise. */
function aim(r: Random, mentioned: readonly string[], pool: readonly string[], bias = 0.65): string {
  return mentioned.length > 0 && r.chance(bias) ? r.pick(mentioned) : r.pick(pool);
}

function someGroups(r: Random, m: Mentions): string[] {
  const groups: string[] = [];
  for (let i = r.weighted([[3, 0], [5, 1], [3, 2], [1, 3]]); i > 0; i--) groups.push(aim(r, m.groups, V.GROUPS));
  return groups;
}

function identity(r: Random, m: Mentions): Identity {
  const kind = r.weighted<Identity['kind']>([
    [70, 'user'],
    [10, 'anonymous'],
    [8, 'failed-authentication'],
    [12, 'impersonating'],
  ]);
  switch (kind) {
    case 'user':
      return { kind, name: aim(r, m.users, V.USERS), groups: someGroups(r, m) };
    case 'anonymous':
    case 'failed-authentication':
      return { kind };
    case 'impersonating':
      return {
        kind,
        caller: { name: aim(r, m.users, V.USERS), groups: someGroups(r, m) },
        as: { name: aim(r, m.users, V.USERS), groups: someGroups(r, m) },
      };
  }
}

/** A path segment as a client might write it: usually plain, sometimes escaped or odd. */
function segment(r: Random, value: string): string {
  if (value === '') return '';
  return r.weighted<string>([
    [90, value],
    [3, encodeURIComponent(value).replace(/[a-z]/, (c) => `%${c.charCodeAt(0).toString(16)}`)],
    [2, `${value}%2Fx`],
    [2, value.toUpperCase()],
    [3, encodeURIComponent(value)],
  ]);
}

/** Strings a non-resource rule would match: its prefix plus something, or exactly it. */
function nonResourcePath(r: Random, m: Mentions): string {
  const mentioned = m.nonResourceURLs.filter((u) => u.startsWith('/'));
  if (mentioned.length > 0 && r.chance(0.7)) {
    const spec = r.pick(mentioned);
    const base = spec.replace(/\*+$/, '');
    return base + r.pick(['', '', 'x', '/etcd', '/', 'z/y', '*']);
  }
  return r.pick([
    '/',
    '/healthz',
    '/healthz/etcd',
    '/livez',
    '/readyz',
    '/version',
    '/metrics',
    '/openapi/v2',
    '/openapi/v3/apis/apps/v1',
    '/api',
    '/apis',
    '/api/v1',
    '/apis/apps',
    '/apis/apps/v1',
    '/logs/kube-apiserver.log',
    '/.well-known/openid-configuration',
    // long-running (pprof profiles) only under /debug/pprof/
    '/debug/pprof/profile',
    '/debug/pprof/',
    '/debug/pprof',
    '/x',
  ]);
}

function resourcePath(r: Random, m: Mentions): string {
  const parts: string[] = [];
  const group = aim(r, m.apiGroups, V.API_GROUPS);
  const version = r.chance(0.85) ? 'v1' : r.pick(V.API_VERSIONS);
  if (group === '' || r.chance(0.05)) parts.push('api', version);
  else parts.push('apis', segment(r, group), version);
  const special = r.weighted<string | null>([
    [88, null],
    [8, 'watch'],
    [4, 'proxy'],
  ]);
  if (special) parts.push(special);
  const resource = aim(r, m.resources, V.RESOURCES);
  const namespaced = r.chance(0.55);
  const namespace = aim(r, m.namespaces, V.NAMESPACES);
  if (resource === 'namespaces' && r.chance(0.5)) {
    // The Namespace object itself, and its status/finalize subresources.
    parts.push('namespaces');
    if (r.chance(0.8)) parts.push(segment(r, namespace));
    if (r.chance(0.4)) parts.push(r.pick(['status', 'finalize', 'pods', 'x']));
  } else {
    if (namespaced) parts.push('namespaces', segment(r, namespace));
    parts.push(segment(r, resource));
    if (r.chance(0.6)) {
      parts.push(segment(r, aim(r, m.names, V.OBJECT_NAMES)));
      if (r.chance(0.3)) parts.push(segment(r, aim(r, m.subresources, V.SUBRESOURCES)));
      if (r.chance(0.04)) parts.push(r.pick(['x', 'log', '']));
    }
  }
  let path = `/${parts.join('/')}`;
  if (r.chance(0.04)) path += '/';
  if (r.chance(0.02)) path = path.replace('/', '//');
  if (r.chance(0.01)) path = path.replace(/\/[^/]*$/, '/..');
  return path;
}

function query(r: Random, m: Mentions): string {
  const params: string[] = [];
  const name = () => encodeURIComponent(aim(r, m.names, V.OBJECT_NAMES));
  for (let i = r.between(1, 3); i > 0; i--) {
    params.push(
      r.pick([
        () => `watch=${r.pick(['1', 'true', 'false', '0', 'yes', '', 'TRUE', 'f', 'False', 't'])}`,
        () => 'watch',
        () => `fieldSelector=${r.pick(['metadata.name%3D', 'metadata.name%3D%3D', 'metadata.name!%3D', 'metadata.name=', 'spec.nodeName%3D'])}${name()}`,
        () => `fieldSelector=metadata.name%3D${name()}%2Cmetadata.namespace%3D${encodeURIComponent(aim(r, m.namespaces, V.NAMESPACES))}`,
        () => `fieldSelector=metadata.name%3D${r.pick(['a/b', '..', '.', 'a%25b', 'x%2Fy', ''])}`,
        () => `labelSelector=${r.pick(['app%3Dweb', 'app', '!app', 'app+in+(a,b)', 'a%3D%3D'])}`,
        () => `limit=${r.pick(['10', 'abc', '-1', ''])}`,
        () => `resourceVersion=${r.pick(['0', '', '123'])}`,
        () => `timeoutSeconds=${r.pick(['30', 'x'])}`,
        () => `allowWatchBookmarks=${r.pick(['true', 'maybe'])}`,
        () => `sendInitialEvents=${r.pick(['true', 'x'])}`,
        () => r.pick(['a;b', 'watch=1;x=2', 'x=%zz', '%zz=1', '=', '&', 'watch=1+1', 'dryRun=All', 'pretty']),
      ])(),
    );
  }
  return params.join('&');
}

/**
 * `timeout=` as clients write it, and as they should not: kube-apiserver's
 * WithRequestDeadline runs before authentication and answers a non-long-running
 * request whose first `timeout` value is not a Go duration with 400, audited
 * without a user. Values go through Go's query decoding first ("+" is a space,
 * a ";" or bad escape drops the pair).
 */
function timeoutQuery(r: Random): string {
  const value = () =>
    r.weighted<string>([
      // valid Go durations
      [6, r.pick(['5s', '1h30m', '0', '-1s', '300ms', '0s', '1.5h', '.5s', '2m0.5s', '-0', '100ns', '1us'])],
      [1, r.pick(['%2B5s', '1%C2%B5s', '1%CE%BCs', '5%73', '9223372036854775807ns', '-9223372036854775808ns'])],
      // invalid ones
      [6, r.pick(['soon', '10', '1x', '', '1', '5S', '1h-1m', '.s', '-', '+5s', '5s+', '%20', 'ms', '1.5', '9223372036854775808ns'])],
      [1, r.pick(['2562047h47m16.854775808s', '%zz', '5s;x', '1d', '1e3s'])],
    ]);
  const params = [`timeout=${value()}`];
  if (r.chance(0.25)) params.push(`timeout=${value()}`);
  if (r.chance(0.05)) params.unshift(r.pick(['timeout', 'Timeout=soon', 'timeout;=soon', 'timeout%3Dsoon']));
  return params.join('&');
}

function method(r: Random): string {
  return r.weighted<string>([
    [45, 'GET'],
    [10, 'POST'],
    [8, 'PUT'],
    [8, 'PATCH'],
    [10, 'DELETE'],
    [4, 'HEAD'],
    [3, 'OPTIONS'],
    [1, 'CONNECT'],
    [1, 'TRACE'],
    [1, 'get'],
    [1, 'FOO'],
    [0.5, 'G(T'],
  ]);
}

export function generateHttpRequest(r: Random, m: Mentions): HttpRequest {
  const kind = r.weighted<'resource' | 'nonResource' | 'odd'>([
    [72, 'resource'],
    [24, 'nonResource'],
    [4, 'odd'],
  ]);
  let url =
    kind === 'resource'
      ? resourcePath(r, m)
      : kind === 'nonResource'
        ? nonResourcePath(r, m)
        : r.pick([
            '*',
            '',
            '/a%zz',
            'api/v1/pods',
            '/api/v1/watch',
            '/apis/apps/v1/proxy',
            '/api/v1/namespaces',
            '/a b',
            '/\u0001',
            '/é',
            // absolute-form: Go's server takes the path from it
            'http://kube/api/v1/namespaces/prod/pods',
            'https://kube:6443/apis/apps/v1/deployments?watch=1',
            'HTTP://kube',
            '//kube/api/v1/pods',
            'kube:443',
          ]);
  if (kind !== 'odd') {
    const params: string[] = [];
    if (r.chance(0.3)) params.push(query(r, m));
    // Long-running requests (watch, proxy, exec, log, pprof...) included: they are exempt.
    if (r.chance(0.2)) params.splice(r.between(0, params.length), 0, timeoutQuery(r));
    if (params.length > 0) url += `?${params.join('&')}`;
  }
  return { method: method(r), url, identity: identity(r, m) };
}

function attributeUser(r: Random, m: Mentions): UserInfo | null {
  if (r.chance(0.08)) return null;
  return { name: aim(r, m.users, V.USERS), groups: someGroups(r, m) };
}

export function generateAttributes(r: Random, m: Mentions): RequestAttributes {
  const resourceRequest = r.chance(0.7);
  const attrs: RequestAttributes = {
    user: attributeUser(r, m),
    verb: aim(r, m.verbs, V.VERBS),
    resourceRequest,
    apiGroup: '',
    apiVersion: '',
    resource: '',
    subresource: '',
    namespace: '',
    name: '',
    path: '',
  };
  if (resourceRequest) {
    attrs.apiGroup = aim(r, m.apiGroups, V.API_GROUPS);
    attrs.apiVersion = r.pick(V.API_VERSIONS);
    attrs.resource = r.chance(0.05) ? r.pick(['*', '', 'pods/log']) : aim(r, m.resources, V.RESOURCES);
    if (r.chance(0.3)) attrs.subresource = r.chance(0.05) ? '*' : aim(r, m.subresources, V.SUBRESOURCES);
    if (r.chance(0.6)) attrs.namespace = aim(r, m.namespaces, V.NAMESPACES);
    if (r.chance(0.6)) attrs.name = aim(r, m.names, V.OBJECT_NAMES);
    const group = attrs.apiGroup === '' ? '/api' : `/apis/${attrs.apiGroup}`;
    attrs.path = `${group}/${attrs.apiVersion}/${attrs.resource}`;
  } else {
    attrs.path = r.chance(0.05) ? r.pick(['', '*', 'healthz']) : nonResourcePath(r, m);
    // Upstream ignores resource fields on non-resource requests; make sure we do too.
    if (r.chance(0.1)) {
      attrs.resource = aim(r, m.resources, V.RESOURCES);
      attrs.namespace = aim(r, m.namespaces, V.NAMESPACES);
    }
  }
  return attrs;
}
