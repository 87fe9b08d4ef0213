// What kube-apiserver makes of a request's method and URL before anything else
// looks at it: RequestInfoFactory.NewRequestInfo
// (k8s.io/apiserver/pkg/endpoints/request/requestinfo.go) with kube-apiserver's
// configuration (server.NewRequestInfoResolver: API prefixes "api" and "apis",
// "api" being the groupless one). Authorization and the audit policy both read
// their attributes from this.
import { requiresExactMatch } from './fieldSelector.js';
import { decodeListOptions } from './listOptions.js';
import { parseQuery, parseRequestTarget } from './requestTarget.js';

export { BadRequestTargetError } from './requestTarget.js';

export interface RequestInfo {
  isResourceRequest: boolean;
  /** r.URL.Path: percent-decoded. */
  path: string;
  /** Resource requests: the Kubernetes verb. Non-resource requests: the lowercased HTTP method. */
  verb: string;
  apiPrefix: string;
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
  /** Path segments from the resource on ({resource}/{name}/...); empty for non-resource requests. */
  parts: string[];
  /** The raw fieldSelector / labelSelector query values upstream keeps for list, watch and deletecollection. */
  fieldSelector: string;
  labelSelector: string;
}

/**
 * NewRequestInfo returned an error: kube-apiserver's WithRequestInfo filter then
 * answers 500 before authentication and audit, so no audit event is written.
 */
export class RequestInfoError extends Error {
  override readonly name = 'RequestInfoError';
  constructor(
    message: string,
    /** What upstream had worked out before it failed. */
    readonly partial: RequestInfo,
  ) {
    super(message);
  }
}

const API_PREFIXES = new Set(['api', 'apis']);
const GROUPLESS_API_PREFIXES = new Set(['api']);
/** Path prefixes that name the verb (deprecated forms: /api/v1/watch/..., /api/v1/proxy/...). */
const SPECIAL_VERBS = new Set(['proxy', 'watch']);
const SPECIAL_VERBS_WITHOUT_SUBRESOURCES = new Set(['proxy']);
/** After /namespaces/{name}/, these are subresources of the namespace, not namespaced resources. */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);
const VERBS_WITH_SELECTORS = new Set(['list', 'watch', 'deletecollection']);

/** Go's net/http method constants are upper case, and compared case-sensitively. */
const METHOD_VERBS: Readonly<Record<string, string>> = {
  POST: 'create',
  GET: 'get',
  HEAD: 'get',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

/** Segments of a path, ignoring leading and trailing slashes; inner empty segments are kept. */
function splitPath(path: string): string[] {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? [] : trimmed.split('/');
}

/** content.IsPathSegmentName: a fieldSelector name must be usable as a path segment. */
function isPathSegmentName(name: string): boolean {
  return name !== '.' && name !== '..' && !name.includes('/') && !name.includes('%');
}

/**
 * Resolves a request exactly as kube-apiserver does (every supported version
 * alike: the differential harness finds no RequestInfo difference from 1.33 to 1.37).
 *
 * @param method the HTTP method as sent on the wire (case matters: "get" is not GET).
 * @param url the request target as on the request line: usually origin-form, e.g.
 *   "/api/v1/namespaces/a/pods?watch=1"; absolute-form and CONNECT's authority
 *   form are read as Go reads them (see parseRequestTarget).
 * @throws BadRequestTargetError when Go's HTTP server rejects the request line (400).
 * @throws RequestInfoError when NewRequestInfo fails (500).
 */
export function resolveRequestInfo(method: string, url: string): RequestInfo {
  const target = parseRequestTarget(method, url);
  // Start as a non-resource request until the path proves otherwise.
  const info: RequestInfo = {
    isResourceRequest: false,
    path: target.path,
    verb: method.toLowerCase(),
    apiPrefix: '',
    apiGroup: '',
    apiVersion: '',
    namespace: '',
    resource: '',
    subresource: '',
    name: '',
    parts: [],
    fieldSelector: '',
    labelSelector: '',
  };

  let parts = splitPath(target.path);
  if (parts.length < 3 || !API_PREFIXES.has(parts[0])) return info;
  info.apiPrefix = parts[0];
  parts = parts.slice(1);
  if (!GROUPLESS_API_PREFIXES.has(info.apiPrefix)) {
    // /apis/{group}/{version}/{resource} needs one part more than /api/{version}/{resource}.
    if (parts.length < 3) return info;
    info.apiGroup = parts[0];
    parts = parts.slice(1);
  }
  info.isResourceRequest = true;
  info.apiVersion = parts[0];
  parts = parts.slice(1);

  let verbViaPathPrefix = false;
  if (SPECIAL_VERBS.has(parts[0])) {
    if (parts.length < 2) {
      throw new RequestInfoError(`unable to determine kind and namespace from url, ${target.url}`, { ...info, parts: [] });
    }
    info.verb = parts[0];
    parts = parts.slice(1);
    verbViaPathPrefix = true;
  } else {
    info.verb = METHOD_VERBS[method] ?? '';
  }

  if (parts[0] === 'namespaces') {
    if (parts.length > 1) {
      info.namespace = parts[1];
      // /namespaces/{ns}/{resource}/...: re-anchor on the namespaced resource,
      // unless what follows is the namespace's own status or finalize.
      if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2])) parts = parts.slice(2);
    }
  }
  info.parts = parts;
  // parts: {resource}/{name}/{subresource}/anything/else
  if (parts.length >= 3 && !SPECIAL_VERBS_WITHOUT_SUBRESOURCES.has(info.verb)) info.subresource = parts[2];
  if (parts.length >= 2) info.name = parts[1];
  if (parts.length >= 1) info.resource = parts[0];

  const query = parseQuery(target.rawQuery);
  // Without a name, a get is a list or a watch, and may name its object in a fieldSelector.
  if (info.name === '' && info.verb === 'get') {
    const options = decodeListOptions(query);
    info.verb = options.watch ? 'watch' : 'list';
    if (options.fieldSelector) {
      const name = requiresExactMatch(options.fieldSelector, 'metadata.name');
      if (name !== undefined && isPathSegmentName(name)) info.name = name;
    }
  }
  // Without a name, a delete is a deletecollection.
  if (info.name === '' && info.verb === 'delete') info.verb = 'deletecollection';

  // AuthorizeWithSelectors is on by default from 1.32, GA and locked on from 1.34, and no longer gated in 1.37.
  if (!verbViaPathPrefix && VERBS_WITH_SELECTORS.has(info.verb)) {
    info.fieldSelector = query.get('fieldSelector')?.[0] ?? '';
    info.labelSelector = query.get('labelSelector')?.[0] ?? '';
  }
  return info;
}

