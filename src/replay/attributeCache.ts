// Request attributes of recorded events, remembered for requests that repeat.
// Real audit logs are dominated by the same few requests sent over and over
// (lease renewals, node status, controller lists), and resolving a requestURI the
// way kube-apiserver does is the costliest step of a replay after JSON.parse.
//
// Everything but the user follows from the verb, the requestURI and the
// objectRef, so those must all match for a hit, and the user is put back on each
// hit. Attributes resolved from the requestURI need less of the objectRef: only
// that it agrees with them (resolvedAgreesWith), so that the creates of one
// collection, whose objectRef each names the new object, share one entry. The query takes part too, except for the parameters that differ on every
// watch and list of a client yet cannot change what kube-apiserver resolves:
// resourceVersion and resourceVersionMatch (strings, never rejected) and
// timeoutSeconds and limit holding plain numbers (always decoded). kube-apiserver
// decodes the list options to find watch and fieldSelector=metadata.name, and a
// value it cannot decode drops them all, so any other parameter, any other
// value, and any parameter given twice stay in the key. The key is a flat
// string; verb and objectRef are compared field by field, which is cheaper than
// building them into the key. Memory is bounded: two generations of at most
// `capacity` keys each; when the young one fills up the old one is dropped, so
// entries in use survive.
import type { AuditEventRecord } from '../request/event.js';
import { attributesFromEvent, eventAttributes, eventUser, resolvedAgreesWith } from '../request/event.js';
import type { RequestAttributes } from '../request/types.js';
import { detached } from './eventMetadata.js';

type ObjectRef = NonNullable<AuditEventRecord['objectRef']>;

interface Entry {
  verb: string;
  ref: ObjectRef | undefined;
  /** Resolved from the requestURI: good for any objectRef that agrees with them, not only `ref`. */
  resolved: boolean;
  attributes: Omit<RequestAttributes, 'user'>;
}

function sameRef(a: ObjectRef | undefined, b: ObjectRef | null | undefined): boolean {
  if (a === undefined || b === undefined || b === null) return a === undefined && (b === undefined || b === null);
  return (
    a.apiGroup === b.apiGroup &&
    a.apiVersion === b.apiVersion &&
    a.resource === b.resource &&
    a.subresource === b.subresource &&
    a.namespace === b.namespace &&
    a.name === b.name
  );
}

const INERT_PARAMETER = /^(?:resourceVersion=\d*|resourceVersionMatch=[A-Za-z]*|timeoutSeconds=\d{1,9}|limit=\d{1,9})$/;

/** The requestURI without the parameters that cannot change the resolved attributes (see above). */
export function cacheKeyOf(requestURI: string): string {
  const q = requestURI.indexOf('?');
  if (q === -1 || requestURI.includes(';', q)) return requestURI;
  const parameters = requestURI.slice(q + 1).split('&');
  const names = parameters.map((p) => {
    const eq = p.indexOf('=');
    return eq === -1 ? p : p.slice(0, eq);
  });
  const kept = parameters.filter((p, i) => !(INERT_PARAMETER.test(p) && names.indexOf(names[i]) === names.lastIndexOf(names[i])));
  return kept.length === parameters.length ? requestURI : `${requestURI.slice(0, q)}?${kept.join('&')}`;
}

/** At most this many verb/objectRef variants are kept per key. */
const VARIANTS = 4;

export class AttributeCache {
  private young = new Map<string, Entry[]>();
  private old = new Map<string, Entry[]>();
  hits = 0;
  misses = 0;

  constructor(readonly capacity = 20_000) {}

  attributesOf(event: AuditEventRecord): RequestAttributes {
    const requestURI = event.requestURI;
    if (typeof requestURI !== 'string') return attributesFromEvent(event);
    const uri = cacheKeyOf(requestURI);
    const verb = event.verb ?? '';
    const ref = event.objectRef;
    let entries = this.young.get(uri);
    if (entries === undefined) {
      entries = this.old.get(uri);
      if (entries !== undefined) this.remember(uri, entries);
    }
    if (entries !== undefined) {
      for (const entry of entries) {
        if (entry.verb === verb && (entry.resolved ? resolvedAgreesWith(entry.attributes, verb, ref) : sameRef(entry.ref, ref))) {
          this.hits++;
          const a = entry.attributes;
          // Spelled out rather than spread: one fixed object shape, cheaper by far in a hot loop.
          return {
            user: eventUser(event),
            verb: a.verb,
            resourceRequest: a.resourceRequest,
            apiGroup: a.apiGroup,
            apiVersion: a.apiVersion,
            resource: a.resource,
            subresource: a.subresource,
            namespace: a.namespace,
            name: a.name,
            path: a.path,
          };
        }
      }
    }
    this.misses++;
    const { attributes, resolved } = eventAttributes(event);
    // Kept across lines: copies, not views into this line (see detached).
    const entry: Entry = { verb: detached(verb), ref: ref === null || ref === undefined ? undefined : detachedRef(ref), resolved, attributes: detachedAttributes(attributes) };
    if (entries === undefined) this.remember(detached(uri), [entry]);
    else if (entries.length < VARIANTS) entries.push(entry);
    else entries[entries.length - 1] = entry;
    return attributes;
  }

  private remember(uri: string, entries: Entry[]): void {
    if (this.young.size >= this.capacity) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(uri, entries);
  }
}

function detachedRef(ref: ObjectRef): ObjectRef {
  const copy: ObjectRef = {};
  for (const [key, value] of Object.entries(ref)) (copy as Record<string, unknown>)[key] = typeof value === 'string' ? detached(value) : value;
  return copy;
}

function detachedAttributes(a: RequestAttributes): Omit<RequestAttributes, 'user'> {
  return {
    verb: detached(a.verb),
    resourceRequest: a.resourceRequest,
    apiGroup: detached(a.apiGroup),
    apiVersion: detached(a.apiVersion),
    resource: detached(a.resource),
    subresource: detached(a.subresource),
    namespace: detached(a.namespace),
    name: detached(a.name),
    path: detached(a.path),
  };
}
