// The two directions between an HTTP request and the attributes the audit
// policy reads. HTTP -> attributes is kube-apiserver's own resolution
// (resolveRequestInfo + policyUser). Attributes -> HTTP searches a handful of
// request shapes and keeps the first that resolves back to exactly those
// attributes, so a found request is correct by construction.
import { escapeFieldSelectorValue } from './fieldSelector.js';
import { isValidGoDuration } from '../go/time/duration.js';
import { describeUser, policyUser } from './identity.js';
import { isLongRunning } from './longRunning.js';
import { resolveRequestInfo, type RequestInfo } from './requestInfo.js';
import { escapePathSegment, escapeQueryComponent, parseQuery, parseRequestTarget } from './requestTarget.js';
import type { HttpRequest, RequestAttributes, UserInfo } from './types.js';

export function attributesFromRequestInfo(info: RequestInfo, user: UserInfo | null): RequestAttributes {
  return {
    user,
    verb: info.verb,
    resourceRequest: info.isResourceRequest,
    apiGroup: info.apiGroup,
    apiVersion: info.apiVersion,
    resource: info.resource,
    subresource: info.subresource,
    namespace: info.namespace,
    name: info.name,
    path: info.path,
  };
}

/**
 * What the audit policy is evaluated on for this request.
 * @throws BadRequestTargetError / RequestInfoError when kube-apiserver would
 *   answer before evaluating any audit policy (no event is written).
 */
export function attributesFromHttp(req: HttpRequest): RequestAttributes {
  const info = resolveRequestInfo(req.method, req.url);
  const attributes = attributesFromRequestInfo(info, policyUser(req.identity));
  if (attributes.user !== null && rejectedByRequestDeadline(req, attributes)) attributes.user = null;
  return attributes;
}

/**
 * kube-apiserver's WithRequestDeadline filter runs before authentication: a
 * request that is not long-running and whose first `timeout` query value is not
 * a Go duration is answered 400 and audited right there, with no user (so only
 * ResponseStarted is written, as for failed authentication).
 */
function rejectedByRequestDeadline(req: HttpRequest, attributes: RequestAttributes): boolean {
  if (isLongRunning(attributes)) return false;
  const timeout = parseQuery(parseRequestTarget(req.method, req.url).rawQuery).get('timeout')?.[0] ?? '';
  return timeout !== '' && !isValidGoDuration(timeout);
}

/** Every attribute the policy can read except the user, compared exactly. */
export function sameRequestAttributes(a: Omit<RequestAttributes, 'user'>, b: Omit<RequestAttributes, 'user'>): boolean {
  return (
    a.verb === b.verb &&
    a.resourceRequest === b.resourceRequest &&
    a.apiGroup === b.apiGroup &&
    a.apiVersion === b.apiVersion &&
    a.resource === b.resource &&
    a.subresource === b.subresource &&
    a.namespace === b.namespace &&
    a.name === b.name &&
    a.path === b.path
  );
}

/** HTTP methods that produce each resource verb without a verb path prefix. */
const RESOURCE_VERB_METHODS: Readonly<Record<string, string>> = {
  get: 'GET',
  list: 'GET',
  watch: 'GET',
  create: 'POST',
  update: 'PUT',
  patch: 'PATCH',
  delete: 'DELETE',
  deletecollection: 'DELETE',
  proxy: 'GET',
  // Any method NewRequestInfo does not know gives the empty verb.
  '': 'OPTIONS',
};

function resolvesTo(method: string, url: string, attrs: Omit<RequestAttributes, 'user'>): boolean {
  try {
    const info = resolveRequestInfo(method, url);
    const got = attributesFromRequestInfo(info, null);
    // A resource request's path is only a hint: "" means any path will do.
    const want = attrs.resourceRequest && attrs.path === '' ? { ...attrs, path: got.path } : attrs;
    return sameRequestAttributes(got, want);
  } catch {
    return false;
  }
}

function escapePath(path: string): string {
  return path.split('/').map(escapePathSegment).join('/');
}

function* candidates(a: Omit<RequestAttributes, 'user'>): Generator<{ method: string; url: string }> {
  if (!a.resourceRequest) {
    // Non-resource verbs are the lowercased method; clients send methods upper case.
    // The empty path is real (CONNECT "*" or "host:443" gives it), but no HTTP
    // client sends an empty target: Node's sends "/" instead.
    if (a.verb !== '' && a.verb === a.verb.toLowerCase() && a.path !== '') {
      yield { method: a.verb.toUpperCase(), url: escapePath(a.path) };
    }
    return;
  }
  const seg = escapePathSegment;
  const prefix = a.apiGroup === '' ? `/api/${seg(a.apiVersion)}` : `/apis/${seg(a.apiGroup)}/${seg(a.apiVersion)}`;
  // The object part: a Namespace object is /namespaces/{name}; anything else in
  // a namespace is /namespaces/{ns}/{resource}.
  const scopes: string[] = [];
  if (a.resource === 'namespaces' && a.namespace === a.name) scopes.push(`/namespaces`);
  if (a.namespace !== '') scopes.push(`/namespaces/${seg(a.namespace)}/${seg(a.resource)}`);
  else scopes.push(`/${seg(a.resource)}`);
  const named = (name: string) =>
    a.subresource !== '' ? `/${seg(name)}/${seg(a.subresource)}` : name === '' ? '' : `/${seg(name)}`;
  const byNameSelector = `fieldSelector=${escapeQueryComponent(`metadata.name=${escapeFieldSelectorValue(a.name)}`)}`;
  const method = RESOURCE_VERB_METHODS[a.verb];
  for (const scope of scopes) {
    const base = `${prefix}${scope}`;
    switch (a.verb) {
      case 'list':
        // A list names its object, if at all, in a fieldSelector (a path name would make it a get).
        yield { method: 'GET', url: `${base}${named('')}` };
        if (a.name !== '') yield { method: 'GET', url: `${base}${named('')}?${byNameSelector}` };
        break;
      case 'watch': {
        // The deprecated /watch/ prefix is how a watch names a subresource; otherwise
        // ?watch (and a fieldSelector for one name) is what clients send.
        const viaPrefix = { method: 'GET', url: `${prefix}/watch${scope}${named(a.name)}` };
        if (a.subresource !== '') yield viaPrefix;
        yield { method: 'GET', url: `${base}${named('')}?watch=true` };
        if (a.name !== '') yield { method: 'GET', url: `${base}${named('')}?watch=true&${byNameSelector}` };
        yield viaPrefix;
        break;
      }
      case 'proxy':
        yield { method: 'GET', url: `${prefix}/proxy${scope}${named(a.name)}` };
        break;
      default:
        if (method !== undefined) yield { method, url: `${base}${named(a.name)}` };
    }
  }
  // Last resort: the recorded path itself.
  if (a.path !== '' && method !== undefined) {
    yield { method, url: escapePath(a.path) };
    if (a.verb === 'watch') yield { method, url: `${escapePath(a.path)}?watch=true` };
    if ((a.verb === 'list' || a.verb === 'watch') && a.name !== '') {
      yield { method, url: `${escapePath(a.path)}?${a.verb === 'watch' ? 'watch=true&' : ''}${byNameSelector}` };
    }
  }
}

/**
 * An HTTP request kube-apiserver resolves to exactly these attributes (the user
 * aside), or undefined when there is none: e.g. verbs no URL produces
 * ("impersonate", "bind"), "get" without a name, or a resource named "status"
 * inside a namespace. An empty `path` on a resource request means any path.
 */
export function httpFromAttributes(attrs: RequestAttributes): { method: string; url: string } | undefined {
  for (const c of candidates(attrs)) {
    if (resolvesTo(c.method, c.url, attrs)) return c;
  }
  return undefined;
}

/**
 * A short label for attribute-only requests, e.g.
 * "system:kube-proxy [system:authenticated] watch endpoints in default" or
 * "alice [dev] get deployments.apps/scale web in prod" or "bob post /logs".
 */
export function describeAttributes(a: RequestAttributes): string {
  const who = describeUser(a.user);
  const verb = a.verb === '' ? '""' : a.verb;
  if (!a.resourceRequest) return `${who} ${verb} ${a.path}`;
  const resource = `${a.resource}${a.apiGroup ? `.${a.apiGroup}` : ''}${a.subresource ? `/${a.subresource}` : ''}`;
  return `${who} ${verb} ${resource}${a.name ? ` ${a.name}` : ''}${a.namespace ? ` in ${a.namespace}` : ''}`;
}
