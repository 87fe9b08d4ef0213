// Request attributes of recorded events, remembered for requests that repeat.
// Real audit logs are dominated by the same few requests sent over and over
// (lease renewals, node status, controller lists), and resolving a requestURI the
// way kube-apiserver does is the costliest step of a replay after JSON.parse.
//
// Everything but the user follows from the verb, the requestURI and the
// objectRef, so those are the key and the user is put back on each hit. Memory is
// bounded: two generations of at most `capacity` entries each; when the young
// one fills up the old one is dropped, so entries in use survive and the rest go.
import type { AuditEventRecord } from '../request/event.js';
import { attributesFromEvent, eventUser } from '../request/event.js';
import type { RequestAttributes } from '../request/types.js';

type CachedAttributes = Omit<RequestAttributes, 'user'>;

function keyOf(event: AuditEventRecord): string {
  const ref = event.objectRef;
  const refKey =
    ref === undefined || ref === null
      ? '\u0001'
      : `${ref.apiGroup ?? ''}\u0000${ref.apiVersion ?? ''}\u0000${ref.resource ?? ''}\u0000${ref.subresource ?? ''}\u0000${ref.namespace ?? ''}\u0000${ref.name ?? ''}`;
  return `${event.verb ?? ''}\u0000${event.requestURI ?? '\u0001'}\u0000${refKey}`;
}

export class AttributeCache {
  private young = new Map<string, CachedAttributes>();
  private old = new Map<string, CachedAttributes>();
  hits = 0;
  misses = 0;

  constructor(readonly capacity = 20_000) {}

  attributesOf(event: AuditEventRecord): RequestAttributes {
    const key = keyOf(event);
    let cached = this.young.get(key);
    if (cached === undefined) {
      cached = this.old.get(key);
      if (cached !== undefined) this.remember(key, cached);
    }
    if (cached !== undefined) {
      this.hits++;
      // Spelled out rather than spread: one fixed object shape, cheaper by far in a hot loop.
      return {
        user: eventUser(event),
        verb: cached.verb,
        resourceRequest: cached.resourceRequest,
        apiGroup: cached.apiGroup,
        apiVersion: cached.apiVersion,
        resource: cached.resource,
        subresource: cached.subresource,
        namespace: cached.namespace,
        name: cached.name,
        path: cached.path,
      };
    }
    this.misses++;
    const attributes = attributesFromEvent(event);
    const { user: _user, ...rest } = attributes;
    this.remember(key, rest);
    return attributes;
  }

  private remember(key: string, value: CachedAttributes): void {
    if (this.young.size >= this.capacity) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }
}
