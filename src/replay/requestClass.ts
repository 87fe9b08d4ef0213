// A request class groups requests that a policy cannot tell apart in practice:
// same caller, verb, target and namespace. The object name is left out: rules only
// see it through resourceNames, and keeping it would split every class into one
// per object.
import type { RequestAttributes } from '../request/types.js';

export interface RequestClass {
  /** The authenticated user's name; null for failed authentication. */
  user: string | null;
  verb: string;
  /** "group/resource[/subresource]" ("core" for the core group), or the URL path of a non-resource request. */
  target: string;
  /** "" when cluster-scoped or non-resource. */
  namespace: string;
}

export function requestClassOf(attrs: RequestAttributes): RequestClass {
  return {
    user: attrs.user === null ? null : attrs.user.name,
    verb: attrs.verb,
    target: attrs.resourceRequest ? resourceTarget(attrs) : attrs.path,
    namespace: attrs.resourceRequest ? attrs.namespace : '',
  };
}

export function resourceTarget(attrs: Pick<RequestAttributes, 'apiGroup' | 'resource' | 'subresource'>): string {
  const group = attrs.apiGroup === '' ? 'core' : attrs.apiGroup;
  return attrs.subresource === '' ? `${group}/${attrs.resource}` : `${group}/${attrs.resource}/${attrs.subresource}`;
}

/** A Map key for the class; fields are joined with a character none of them can contain. */
export function requestClassKey(attrs: RequestAttributes): string {
  const user = attrs.user === null ? '\u0001' : attrs.user.name;
  const target = attrs.resourceRequest ? resourceTarget(attrs) : attrs.path;
  return `${user}\u0000${attrs.verb}\u0000${target}\u0000${attrs.resourceRequest ? attrs.namespace : ''}`;
}

/** e.g. `alice list core/pods in prod`, `(failed authentication) get /healthz`. */
export function formatRequestClass(c: RequestClass): string {
  const who = c.user === null ? '(failed authentication)' : c.user === '' ? '(empty user name)' : c.user;
  return `${who} ${c.verb} ${c.target}${c.namespace === '' ? '' : ` in ${c.namespace}`}`;
}
