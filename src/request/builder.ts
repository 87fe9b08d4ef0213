// The fluent builder spec authors write requests with:
//
//   as('alice', ['dev']).get('secrets', 'db', { namespace: 'prod' })
//   serviceAccount('kube-system', 'replicaset-controller').list('pods')
//   anonymous().nonResource('GET', '/healthz')
//   as('admin', ['system:masters']).impersonating('bob').http('PATCH /apis/apps/v1/namespaces/a/deployments/web/scale')
//
// Every result is an AuditRequest whose `http` is the real request and whose
// `attributes` are attributesFromHttp(http): what kube-apiserver would make of
// it, never a second opinion. Built-in resources are looked up in the catalogue
// of the version the requests are judged as (group, preferred version, scope,
// subresources), so typos fail early.
import { DEFAULT_KUBE_VERSION, type KubeVersion } from '../audit/kubeVersions.js';
import { catalogueFor } from '../catalog/catalog.js';
import type { BuiltinResource } from '../catalog/types.js';
import { attributesFromHttp } from './attributes.js';
import { escapeFieldSelectorValue } from './fieldSelector.js';
import * as identities from './identity.js';
import { escapePathSegment, escapeQueryComponent } from './requestTarget.js';
import type { AuditRequest, HttpRequest, Identity } from './types.js';

export type QueryValue = string | number | boolean | readonly (string | number | boolean)[];

export interface ResourceOptions {
  /** Required for namespaced resources, except to list or watch across all namespaces. */
  namespace?: string;
  /** API group ("" = core). Needed, with `version`, for resources that are not built in (CRDs, aggregated APIs). */
  group?: string;
  /** Defaults to the built-in resource's preferred version. */
  version?: string;
  /** Extra query parameters, appended in the order given. */
  query?: Readonly<Record<string, QueryValue>>;
}

export interface NamedOptions extends ResourceOptions {
  /** List or watch one object by name, as clients do: fieldSelector=metadata.name=<name>. */
  name?: string;
}

export interface StreamOptions extends ResourceOptions {
  /**
   * Open the stream over WebSocket: a GET upgrade, which kube-apiserver sees as
   * verb "get" (kubectl ≥ 1.30 does this), instead of the SPDY POST ("create").
   */
  websocket?: boolean;
  container?: string;
  command?: readonly string[];
}

export interface LogOptions extends ResourceOptions {
  container?: string;
  follow?: boolean;
}

type SubresourceVerb = 'get' | 'create' | 'update' | 'patch' | 'delete';
const SUBRESOURCE_METHODS: Record<SubresourceVerb, string> = {
  get: 'GET',
  create: 'POST',
  update: 'PUT',
  patch: 'PATCH',
  delete: 'DELETE',
};

let builderKubeVersion: KubeVersion = DEFAULT_KUBE_VERSION;

/**
 * Which version's built-in resources the builder knows. auditspec's Vitest
 * layer sets the project's version in each worker and a policy block's own
 * version around its tests; returns the previous one so it can be restored.
 */
export function setBuilderKubeVersion(version: KubeVersion): KubeVersion {
  const previous = builderKubeVersion;
  builderKubeVersion = version;
  return previous;
}

const catalogue = () => catalogueFor(builderKubeVersion);

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

function suggestResource(resource: string): string {
  const { resources } = catalogue();
  const aliases = catalogue().findByAlias(resource).map((r) => r.resource);
  const plural = catalogue().findResource('', `${resource}s`) ?? resources.find((r) => r.resource === `${resource}s`);
  const close = resources
    .map((r) => r.resource)
    .filter((name) => distance(name, resource.toLowerCase()) <= 2)
    .sort((x, y) => distance(x, resource) - distance(y, resource));
  const all = [...new Set([...aliases, ...(plural ? [plural.resource] : []), ...close])];
  return all.length ? ` Did you mean ${all.slice(0, 3).map((s) => `"${s}"`).join(' or ')}?` : '';
}

interface Target {
  group: string;
  version: string;
  resource: string;
  builtin: BuiltinResource | undefined;
}

function checkVersion(builtin: BuiltinResource | undefined, version: string | undefined): void {
  if (builtin && version !== undefined && !builtin.versions.includes(version)) {
    const name = `${builtin.resource}${builtin.group ? `.${builtin.group}` : ''}`;
    throw new Error(`${name} is served in ${builtin.versions.join(', ')}, not ${version}`);
  }
}

/** Which API a resource name means: built-in lookup, "resource.group" spelling, or explicit { group, version }. */
function resolveResource(resource: string, opts: ResourceOptions): Target {
  if (resource === '' || resource.includes('/')) {
    throw new Error(`"${resource}" is not a resource name (subresources go through .subresource(), e.g. 'deployments', 'web', 'scale')`);
  }
  if (opts.group !== undefined) {
    const builtin = catalogue().findResource(opts.group, resource);
    checkVersion(builtin, opts.version);
    const version = opts.version ?? builtin?.version;
    if (version === undefined) {
      throw new Error(
        `${resource}${opts.group ? `.${opts.group}` : ''} is not built into kube-apiserver ${catalogue().release}: give { group, version } for custom resources`,
      );
    }
    return { group: opts.group, version, resource, builtin };
  }
  let groups = catalogue().groupsForResource(resource);
  let name = resource;
  if (groups.length === 0 && resource.includes('.')) {
    // kubectl's "deployments.apps" spelling.
    const dot = resource.indexOf('.');
    const [r, g] = [resource.slice(0, dot), resource.slice(dot + 1)];
    if (catalogue().findResource(g, r)) [name, groups] = [r, [g]];
  }
  if (groups.length === 0) {
    throw new Error(`unknown resource "${resource}": kube-apiserver ${catalogue().release} has no such built-in resource.${suggestResource(resource)} For a custom resource give { group, version }.`);
  }
  // Core wins a name clash (events: "" over events.k8s.io), as for kubectl.
  const group = groups.includes('') ? '' : groups[0];
  if (groups.length > 1 && group !== '') {
    throw new Error(`"${name}" exists in several API groups (${groups.join(', ')}): give { group }`);
  }
  const builtin = catalogue().findResource(group, name)!;
  checkVersion(builtin, opts.version);
  return { group, version: opts.version ?? builtin.version, resource: name, builtin };
}

function queryString(query: Readonly<Record<string, QueryValue>> | undefined, extra: [string, string][] = []): string {
  const pairs: [string, string][] = [...extra];
  for (const [k, v] of Object.entries(query ?? {})) {
    for (const item of Array.isArray(v) ? v : [v]) pairs.push([k, String(item)]);
  }
  return pairs.length ? `?${pairs.map(([k, v]) => `${escapeQueryComponent(k)}=${escapeQueryComponent(v)}`).join('&')}` : '';
}

type Shape = 'collection' | 'object';

export class RequestBuilder {
  constructor(readonly identity: Identity) {}

  /** The same caller, asking kube-apiserver to act as another user. The policy still sees the caller. */
  impersonating(name: string, groups: readonly string[] = []): RequestBuilder {
    return new RequestBuilder(identities.impersonate(this.identity, { name, groups }));
  }

  get(resource: string, name: string, opts: ResourceOptions = {}): AuditRequest {
    return this.resourceRequest('GET', resource, 'object', name, '', opts);
  }

  list(resource: string, opts: NamedOptions = {}): AuditRequest {
    return this.resourceRequest('GET', resource, 'collection', '', '', opts, this.byName(opts));
  }

  watch(resource: string, opts: NamedOptions = {}): AuditRequest {
    return this.resourceRequest('GET', resource, 'collection', '', '', opts, [['watch', 'true'], ...this.byName(opts)]);
  }

  create(resource: string, opts: ResourceOptions = {}): AuditRequest {
    return this.resourceRequest('POST', resource, 'collection', '', '', opts);
  }

  update(resource: string, name: string, opts: ResourceOptions = {}): AuditRequest {
    return this.resourceRequest('PUT', resource, 'object', name, '', opts);
  }

  patch(resource: string, name: string, opts: ResourceOptions = {}): AuditRequest {
    return this.resourceRequest('PATCH', resource, 'object', name, '', opts);
  }

  delete(resource: string, name: string, opts: ResourceOptions = {}): AuditRequest {
    return this.resourceRequest('DELETE', resource, 'object', name, '', opts);
  }

  deleteCollection(resource: string, opts: ResourceOptions = {}): AuditRequest {
    return this.resourceRequest('DELETE', resource, 'collection', '', '', opts);
  }

  /** A verb on a subresource, e.g. .subresource('update', 'deployments', 'web', 'scale', { namespace }). */
  subresource(verb: SubresourceVerb, resource: string, name: string, subresource: string, opts: ResourceOptions = {}): AuditRequest {
    const method = SUBRESOURCE_METHODS[verb];
    if (!method) throw new Error(`subresource verb must be one of ${Object.keys(SUBRESOURCE_METHODS).join(', ')}, not "${verb}"`);
    return this.resourceRequest(method, resource, 'object', name, subresource, opts);
  }

  /** `kubectl exec`: POST pods/<pod>/exec (verb create); over WebSocket a GET (verb get). */
  exec(pod: string, opts: StreamOptions = {}): AuditRequest {
    return this.stream('exec', pod, opts);
  }

  /** `kubectl attach`: pods/<pod>/attach, POST or, over WebSocket, GET. */
  attach(pod: string, opts: StreamOptions = {}): AuditRequest {
    return this.stream('attach', pod, opts);
  }

  /** `kubectl port-forward`: pods/<pod>/portforward, POST or, over WebSocket, GET. */
  portForward(pod: string, opts: StreamOptions = {}): AuditRequest {
    return this.stream('portforward', pod, opts);
  }

  /** `kubectl logs`: GET pods/<pod>/log. */
  logs(pod: string, opts: LogOptions = {}): AuditRequest {
    const extra: [string, string][] = [];
    if (opts.container !== undefined) extra.push(['container', opts.container]);
    if (opts.follow) extra.push(['follow', 'true']);
    return this.resourceRequest('GET', 'pods', 'object', pod, 'log', opts, extra);
  }

  /** A request to a non-resource URL, e.g. .nonResource('GET', '/healthz'). */
  nonResource(method: string, path: string): AuditRequest {
    if (!path.startsWith('/')) throw new Error(`a non-resource path starts with "/", got ${JSON.stringify(path)}`);
    const req = this.send(method, path);
    if (req.attributes.resourceRequest) {
      throw new Error(`${path} is a resource request for kube-apiserver (${req.attributes.verb} ${req.attributes.resource}); use the resource methods or .http()`);
    }
    return req;
  }

  /** Any request, as "METHOD /url" or (method, url), sent exactly as written. */
  http(request: string, url?: string): AuditRequest {
    if (url !== undefined) return this.send(request, url);
    const m = /^\s*(\S+)\s+(\S+)\s*$/.exec(request);
    if (!m) throw new Error(`expected "METHOD /url", got ${JSON.stringify(request)}`);
    return this.send(m[1].toUpperCase(), m[2]);
  }

  private byName(opts: NamedOptions): [string, string][] {
    return opts.name === undefined ? [] : [['fieldSelector', `metadata.name=${escapeFieldSelectorValue(opts.name)}`]];
  }

  private stream(subresource: string, pod: string, opts: StreamOptions): AuditRequest {
    const extra: [string, string][] = [];
    if (opts.container !== undefined) extra.push(['container', opts.container]);
    for (const c of opts.command ?? []) extra.push(['command', c]);
    if (subresource !== 'portforward') extra.push(['stdout', 'true']);
    return this.resourceRequest(opts.websocket ? 'GET' : 'POST', 'pods', 'object', pod, subresource, opts, extra);
  }

  private resourceRequest(
    method: string,
    resource: string,
    shape: Shape,
    name: string,
    subresource: string,
    opts: ResourceOptions,
    extraQuery: [string, string][] = [],
  ): AuditRequest {
    const t = resolveResource(resource, opts);
    const label = `${t.resource}${t.group ? `.${t.group}` : ''}`;
    if (shape === 'object' && name === '') throw new Error(`${label}: a name is required`);
    if (t.builtin) {
      if (!t.builtin.namespaced && opts.namespace !== undefined) {
        throw new Error(`${label} is cluster-scoped: it takes no namespace (got "${opts.namespace}")`);
      }
      const acrossNamespaces = method === 'GET' && shape === 'collection';
      if (t.builtin.namespaced && opts.namespace === undefined && !acrossNamespaces) {
        throw new Error(`${label} is namespaced: give { namespace } (only list and watch work across all namespaces)`);
      }
      if (subresource !== '' && !t.builtin.subresources.some((s) => s.name === subresource)) {
        const known = t.builtin.subresources.map((s) => s.name);
        throw new Error(`${label} has no subresource "${subresource}"${known.length ? ` (it has: ${known.join(', ')})` : ''}`);
      }
    }
    const seg = escapePathSegment;
    let url = t.group === '' ? `/api/${seg(t.version)}` : `/apis/${seg(t.group)}/${seg(t.version)}`;
    if (opts.namespace !== undefined) {
      if (opts.namespace === '') throw new Error(`${label}: namespace must not be empty`);
      url += `/namespaces/${seg(opts.namespace)}`;
    }
    url += `/${seg(t.resource)}`;
    if (shape === 'object') url += `/${seg(name)}`;
    if (subresource !== '') url += `/${seg(subresource)}`;
    url += queryString(opts.query, extraQuery);
    return this.send(method, url);
  }

  private send(method: string, url: string): AuditRequest {
    const http: HttpRequest = { method, url, identity: this.identity };
    let attributes;
    try {
      attributes = attributesFromHttp(http);
    } catch (err) {
      throw new Error(`kube-apiserver would refuse ${method} ${url} before auditing it: ${(err as Error).message}`);
    }
    return { attributes, http, label: `${identities.describeIdentity(this.identity)} ${method} ${url}` };
  }
}

/** Requests sent by an authenticated user (`groups` as the authenticator gives them), or by any Identity. */
export function as(user: string | Identity, groups: readonly string[] = []): RequestBuilder {
  return new RequestBuilder(typeof user === 'string' ? identities.user(user, groups) : user);
}

/** Requests sent with a service account's token. */
export function serviceAccount(namespace: string, name: string): RequestBuilder {
  return new RequestBuilder(identities.serviceAccount(namespace, name));
}

/** Requests sent without credentials (anonymous authentication on, as by default). */
export function anonymous(): RequestBuilder {
  return new RequestBuilder(identities.anonymous);
}

/** Requests whose credentials every authenticator rejects: kube-apiserver answers 401, the policy sees no user. */
export function failedAuthentication(): RequestBuilder {
  return new RequestBuilder(identities.failedAuthentication);
}

/** One request as "METHOD /url", sent by `who`. */
export function http(request: string, who: Identity | RequestBuilder): AuditRequest {
  return (who instanceof RequestBuilder ? who : new RequestBuilder(who)).http(request);
}
