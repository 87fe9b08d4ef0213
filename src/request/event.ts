// Requests read back from audit logs: an audit.k8s.io Event as kube-apiserver
// writes it, possibly wrapped by a cloud provider's log pipeline.
//
// An Event records the attributes the policy saw, with one catch: when the
// request body is logged (Metadata level and up), kube-apiserver fills an empty
// objectRef.name / objectRef.namespace from the object (audit.LogRequestObject),
// so a create shows a name the policy never saw. The requestURI is
// req.URL.RequestURI(), the path and query as sent (the path re-escaped only
// where Go could not give the sent form back), and the verb tells the method
// back, so the attributes are resolved from those again wherever they agree
// with the event. (A request without a path, CONNECT "*" or an absolute URI
// with no path, is recorded as "/" although the policy saw ""; read as "/".)
import { attributesFromRequestInfo } from './attributes.js';
import { identityForPolicyUser, describeUser } from './identity.js';
import { resolveRequestInfo, type RequestInfo } from './requestInfo.js';
import { parseRequestTarget } from './requestTarget.js';
import type { AuditRequest, HttpRequest, Identity, RequestAttributes, UserInfo } from './types.js';

/** The audit.k8s.io/v1 (or v1beta1) Event fields auditspec reads. */
export interface AuditEventRecord {
  kind: 'Event';
  /** audit.k8s.io/v1 or v1beta1; absent in some hand-written fixtures. */
  apiVersion?: string;
  level?: string;
  auditID?: string;
  stage?: string;
  requestURI?: string;
  verb?: string;
  user?: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
  impersonatedUser?: { username?: string; uid?: string; groups?: string[] };
  objectRef?: {
    resource?: string;
    namespace?: string;
    name?: string;
    uid?: string;
    apiGroup?: string;
    apiVersion?: string;
    resourceVersion?: string;
    subresource?: string;
  };
  [field: string]: unknown;
}

export type AuditRecordRead = { ok: true; event: AuditEventRecord } | { ok: false; error: string };

const EVENT_API_VERSIONS = new Set(['audit.k8s.io/v1', 'audit.k8s.io/v1beta1']);
const GKE_AUDIT_LOG_TYPE = 'type.googleapis.com/google.cloud.audit.AuditLog';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * One log record: an Event, or an AKS diagnostic-settings record carrying the
 * Event in properties.log (as an object, or as a JSON string). GKE's Cloud Audit
 * Log entries are a different schema altogether and are reported unsupported.
 */
export function readAuditRecord(record: unknown): AuditRecordRead {
  if (!isObject(record)) return { ok: false, error: 'not a JSON object' };
  if (record.kind === 'Event') {
    // Hand-written fixtures (Falco's among them) often leave apiVersion out; read those as v1.
    if (record.apiVersion !== undefined && (typeof record.apiVersion !== 'string' || !EVENT_API_VERSIONS.has(record.apiVersion))) {
      return { ok: false, error: `unsupported Event apiVersion ${JSON.stringify(record.apiVersion)} (want audit.k8s.io/v1)` };
    }
    return { ok: true, event: record as AuditEventRecord };
  }
  const properties = record.properties;
  if (isObject(properties) && 'log' in properties) {
    let log = properties.log;
    if (typeof log === 'string') {
      try {
        log = JSON.parse(log);
      } catch {
        return { ok: false, error: 'AKS record: properties.log is a string but not JSON' };
      }
    }
    const inner = readAuditRecord(log);
    return inner.ok ? inner : { ok: false, error: `AKS record: ${inner.error}` };
  }
  if (isObject(record.protoPayload) && record.protoPayload['@type'] === GKE_AUDIT_LOG_TYPE) {
    return {
      ok: false,
      error:
        'GKE Cloud Audit Log entry (google.cloud.audit.AuditLog): not an audit.k8s.io Event, and it lacks the fields the policy matches on; unsupported',
    };
  }
  return { ok: false, error: 'not an audit.k8s.io Event (no kind: Event), nor an AKS diagnostic-settings record' };
}

/** The recorded user; an empty user (failed authentication) or one without a username is no user. */
export function eventUser(event: AuditEventRecord): UserInfo | null {
  const u = event.user;
  if (!u || typeof u.username !== 'string' || u.username === '') return null;
  return { name: u.username, groups: Array.isArray(u.groups) ? [...u.groups] : [] };
}

/** The method that gives `verb` for the request kind (the event records the verb only). */
/**
 * A Map, built once: replay asks this for every request the attribute cache
 * misses, and a verb such as "constructor" finds nothing here (a plain object's
 * lookup would find the members every object inherits).
 */
const METHOD_FOR_RESOURCE_VERB = new Map<string, string>([
  ['get', 'GET'],
  ['list', 'GET'],
  ['watch', 'GET'],
  ['proxy', 'GET'],
  ['create', 'POST'],
  ['update', 'PUT'],
  ['patch', 'PATCH'],
  ['delete', 'DELETE'],
  ['deletecollection', 'DELETE'],
  ['', 'OPTIONS'],
]);

function methodForVerb(verb: string, resourceRequest: boolean): string | undefined {
  if (!resourceRequest) return verb !== '' && verb === verb.toLowerCase() ? verb.toUpperCase() : undefined;
  return METHOD_FOR_RESOURCE_VERB.get(verb);
}

/** The attributes as the event records them, all but the path (which only the recorded attributes need: see recordedPath). */
function recordedAttributes(event: AuditEventRecord, user: UserInfo | null): RequestAttributes {
  const ref = event.objectRef;
  return {
    user,
    verb: event.verb ?? '',
    resourceRequest: ref !== undefined && ref !== null,
    apiGroup: ref?.apiGroup ?? '',
    apiVersion: ref?.apiVersion ?? '',
    resource: ref?.resource ?? '',
    subresource: ref?.subresource ?? '',
    namespace: ref?.namespace ?? '',
    name: ref?.name ?? '',
    path: '',
  };
}

/** The path of the recorded requestURI (parsed as a URL: the costliest part, left out when the URI resolves). */
function recordedPath(event: AuditEventRecord): string {
  if (typeof event.requestURI !== 'string') return '';
  try {
    return parseRequestTarget('GET', event.requestURI).path;
  } catch {
    return event.requestURI.split('?')[0];
  }
}

/**
 * Whether attributes resolved from a requestURI agree with what an event
 * records of its request (its verb and objectRef): same verb and kind, same
 * group, version, resource and subresource, and a namespace and name that are
 * either the recorded ones or empty (filled in later from the body). The
 * resolved attributes depend on nothing else of the event, which is what lets
 * replay's attribute cache reuse them for every event they agree with.
 */
export function resolvedAgreesWith(resolved: Omit<RequestAttributes, 'user'>, verb: string, ref: AuditEventRecord['objectRef'] | null): boolean {
  const resourceRequest = ref !== undefined && ref !== null;
  if (resolved.verb !== verb || resolved.resourceRequest !== resourceRequest) return false;
  if (!resourceRequest) return true;
  return (
    resolved.apiGroup === (ref.apiGroup ?? '') &&
    resolved.apiVersion === (ref.apiVersion ?? '') &&
    resolved.resource === (ref.resource ?? '') &&
    resolved.subresource === (ref.subresource ?? '') &&
    (resolved.namespace === (ref.namespace ?? '') || resolved.namespace === '') &&
    (resolved.name === (ref.name ?? '') || resolved.name === '')
  );
}

/**
 * Re-resolves the requestURI with the method the verb implies, and accepts the
 * result only if it agrees with the event (see resolvedAgreesWith).
 */
function resolvedAttributes(event: AuditEventRecord, recorded: RequestAttributes): { method: string; info: RequestInfo } | undefined {
  if (typeof event.requestURI !== 'string') return undefined;
  const method = methodForVerb(recorded.verb, recorded.resourceRequest);
  if (method === undefined) return undefined;
  let info: RequestInfo;
  try {
    info = resolveRequestInfo(method, event.requestURI);
  } catch {
    return undefined;
  }
  return resolvedAgreesWith(attributesFromRequestInfo(info, null), recorded.verb, event.objectRef) ? { method, info } : undefined;
}

/** The attributes kube-apiserver evaluated its policy on for this event's request. */
export function attributesFromEvent(event: AuditEventRecord): RequestAttributes {
  return eventAttributes(event).attributes;
}

/**
 * The same, saying whether they were resolved from the requestURI (see
 * resolvedAgreesWith) or are the recorded ones; without the label and identity
 * requestFromEvent works out.
 */
export function eventAttributes(event: AuditEventRecord): { attributes: RequestAttributes; resolved: boolean } {
  const user = eventUser(event);
  const recorded = recordedAttributes(event, user);
  const resolved = resolvedAttributes(event, recorded);
  if (resolved) return { attributes: attributesFromRequestInfo(resolved.info, user), resolved: true };
  recorded.path = recordedPath(event);
  return { attributes: recorded, resolved: false };
}

/**
 * The request behind an event. It has `http` (for replaying it end to end) when
 * the requestURI resolves consistently and an identity can reproduce the
 * recorded user exactly; impersonation is replayed as impersonation, though the
 * policy only sees the caller.
 */
export function requestFromEvent(event: AuditEventRecord): AuditRequest {
  const user = eventUser(event);
  const recorded = recordedAttributes(event, user);
  const resolved = resolvedAttributes(event, recorded);
  if (!resolved) recorded.path = recordedPath(event);
  const attributes = resolved ? attributesFromRequestInfo(resolved.info, user) : recorded;
  const label = `${describeUser(user)} ${attributes.verb} ${event.requestURI ?? attributes.path}`;
  if (!resolved) return { attributes, label };
  const identity = identityFor(event, user);
  if (!identity) return { attributes, label };
  // The attributes were resolved from this very method and URL, so they round-trip.
  const http: HttpRequest = { method: resolved.method, url: event.requestURI!, identity };
  return { attributes, http, label };
}

function identityFor(event: AuditEventRecord, user: UserInfo | null): Identity | undefined {
  const caller = identityForPolicyUser(user);
  const as = event.impersonatedUser;
  if (!caller || !as || typeof as.username !== 'string' || as.username === '') return caller;
  if (caller.kind !== 'user') return undefined;
  return {
    kind: 'impersonating',
    caller: { name: caller.name, groups: caller.groups },
    as: { name: as.username, groups: Array.isArray(as.groups) ? [...as.groups] : [] },
  };
}
