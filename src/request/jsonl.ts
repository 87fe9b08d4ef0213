// One input line of `auditspec eval`, `explain` and `probe`. Three shapes are read:
//
// 1. An audit log record: an audit.k8s.io Event (or an AKS diagnostic-settings
//    record wrapping one). Attributes as kube-apiserver evaluated them; see event.ts.
// 2. An HTTP request: {"method", "url", "user": {"username", "groups"}}, with an
//    optional "impersonate": {"username", "groups"}.
//    - No "user" (or no username in it): authentication failed; the policy sees no user.
//    - Groups are what the authenticator returns; kube-apiserver appends
//      system:authenticated (unless present, or system:unauthenticated is).
//      A service account's username brings its token's groups
//      (system:serviceaccounts, system:serviceaccounts:<ns>; see identity.user).
//    - {"username": "system:anonymous"} without groups, or with exactly
//      ["system:unauthenticated"], is the anonymous caller (no credentials).
//      With other groups it is an authenticator returning that name: the group
//      adder leaves system:anonymous alone, so the groups are seen as given.
//    - A full URL (https://host:6443/api/…) is read as its path and query
//      (requestUrl.ts); the caller is told the scheme and host were dropped.
//    - The method is upper-cased, as HTTP clients send it: a lowercase method
//      in a JSON line is a spelling, not a deliberately odd wire method.
// 3. Attributes as upstream's test matrix states them
//    (/work/shared/corpus/expectations): {"user", "groups", "verb",
//    "resourceRequest", "apiGroup", "apiVersion", "resource", "subresource",
//    "namespace", "name", "path"}; groups are taken exactly as given.
import { attributesFromHttp, describeAttributes, httpFromAttributes } from './attributes.js';
import { readAuditRecord, requestFromEvent } from './event.js';
import { ANONYMOUS_USER, UNAUTHENTICATED_GROUP, describeIdentity, identityForPolicyUser, impersonate, user } from './identity.js';
import { requestUrl } from './requestUrl.js';
import type { AuditRequest, HttpRequest, Identity, RequestAttributes, UserInfo } from './types.js';

export type RequestLineParse =
  | {
      ok: true;
      request: AuditRequest;
      /** A full URL's scheme and host, dropped (see requestUrl.ts); callers say so. */
      droppedOrigin?: string;
    }
  | { ok: false; error: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((g) => typeof g === 'string');

export function parseRequestLine(line: string): RequestLineParse {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    return { ok: false, error: `not JSON: ${(err as Error).message}` };
  }
  return parseRequestValue(value);
}

/** As parseRequestLine, for an already parsed JSON value. */
export function parseRequestValue(value: unknown): RequestLineParse {
  if (!isObject(value)) return { ok: false, error: 'expected a JSON object' };
  if (value.kind !== undefined || 'properties' in value || 'protoPayload' in value) {
    const read = readAuditRecord(value);
    if (!read.ok) return read;
    return { ok: true, request: requestFromEvent(read.event) };
  }
  if ('method' in value || 'url' in value) return fromHttpShape(value);
  if ('verb' in value && 'resourceRequest' in value) return fromAttributeShape(value);
  return {
    ok: false,
    error: 'unknown line: expected an audit Event, {"method","url","user"} or {"user","groups","verb","resourceRequest",...}',
  };
}

function readUser(v: unknown, field: string): { name: string; groups: string[] | undefined } | null | string {
  if (v === undefined || v === null) return null;
  if (!isObject(v)) return `"${field}" must be an object {"username", "groups"}`;
  if (v.groups !== undefined && !isStringArray(v.groups)) return `"${field}.groups" must be an array of strings`;
  if (v.username !== undefined && typeof v.username !== 'string') return `"${field}.username" must be a string`;
  if (v.username === undefined || v.username === '') return null;
  return { name: v.username as string, groups: v.groups as string[] | undefined };
}

function fromHttpShape(v: Record<string, unknown>): RequestLineParse {
  if (typeof v.method !== 'string' || typeof v.url !== 'string') {
    return { ok: false, error: '"method" and "url" must both be strings' };
  }
  const caller = readUser(v.user, 'user');
  if (typeof caller === 'string') return { ok: false, error: caller };
  const as = readUser(v.impersonate, 'impersonate');
  if (typeof as === 'string') return { ok: false, error: as };
  let identity: Identity;
  if (caller === null) {
    if (as !== null) return { ok: false, error: 'impersonation needs an authenticated "user"' };
    identity = { kind: 'failed-authentication' };
  } else if (
    caller.name === ANONYMOUS_USER &&
    as === null &&
    (caller.groups === undefined || (caller.groups.length === 1 && caller.groups[0] === UNAUTHENTICATED_GROUP))
  ) {
    identity = { kind: 'anonymous' };
  } else if (as !== null) {
    identity = impersonate(user(caller.name, caller.groups ?? []), { name: as.name, groups: as.groups ?? [] });
  } else {
    identity = user(caller.name, caller.groups ?? []);
  }
  const { target, droppedOrigin } = requestUrl(v.url);
  const http: HttpRequest = { method: v.method.toUpperCase(), url: target, identity };
  try {
    const attributes = attributesFromHttp(http);
    const request = { attributes, http, label: `${describeIdentity(identity)} ${http.method} ${http.url}` };
    return droppedOrigin === undefined ? { ok: true, request } : { ok: true, request, droppedOrigin };
  } catch (err) {
    return { ok: false, error: `kube-apiserver rejects this request before auditing it: ${(err as Error).message}` };
  }
}

function fromAttributeShape(v: Record<string, unknown>): RequestLineParse {
  const str = (k: string): string | undefined | false =>
    v[k] === undefined || v[k] === null ? undefined : typeof v[k] === 'string' ? (v[k] as string) : false;
  const fields = ['user', 'verb', 'apiGroup', 'apiVersion', 'resource', 'subresource', 'namespace', 'name', 'path'] as const;
  const got: Partial<Record<(typeof fields)[number], string>> = {};
  for (const f of fields) {
    const s = str(f);
    if (s === false) return { ok: false, error: `"${f}" must be a string` };
    if (s !== undefined) got[f] = s;
  }
  if (typeof v.resourceRequest !== 'boolean') return { ok: false, error: '"resourceRequest" must be true or false' };
  if (v.groups !== undefined && v.groups !== null && !isStringArray(v.groups)) {
    return { ok: false, error: '"groups" must be an array of strings' };
  }
  const user: UserInfo | null =
    got.user === undefined || got.user === '' ? null : { name: got.user, groups: [...((v.groups as string[] | null) ?? [])] };
  const attributes: RequestAttributes = {
    user,
    verb: got.verb ?? '',
    resourceRequest: v.resourceRequest,
    apiGroup: got.apiGroup ?? '',
    apiVersion: got.apiVersion ?? '',
    resource: got.resource ?? '',
    subresource: got.subresource ?? '',
    namespace: got.namespace ?? '',
    name: got.name ?? '',
    path: got.path ?? '',
  };
  const request: AuditRequest = { attributes, label: describeAttributes(attributes) };
  // Sendable end to end only when some HTTP request and some identity reproduce it exactly.
  const target = httpFromAttributes(attributes);
  const identity = identityForPolicyUser(user);
  if (!target || !identity) return { ok: true, request };
  const http: HttpRequest = { ...target, identity };
  // Same attributes by construction; taking them from the request also fills a resource request's path.
  return { ok: true, request: { attributes: attributesFromHttp(http), http, label: request.label } };
}
