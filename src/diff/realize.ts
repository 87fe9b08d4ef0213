// Turning an example's attributes into the JSON line `auditspec eval` reads,
// checked by reading that line back: the example is only given in HTTP form
// when kube-apiserver resolves it to exactly the same attributes.
import { httpFromAttributes, sameRequestAttributes } from '../request/attributes.js';
import { identityForPolicyUser, sameUser } from '../request/identity.js';
import { parseRequestValue } from '../request/jsonl.js';
import type { RequestAttributes } from '../request/types.js';
import type { HttpExample, RealizedRequest } from './example.js';

export function realizeRequest(attributes: RequestAttributes): RealizedRequest | null {
  const identity = identityForPolicyUser(attributes.user);
  if (identity === undefined) return null;
  const target = httpFromAttributes(attributes);
  if (target === undefined) return null;
  const http: HttpExample = { method: target.method, url: target.url };
  if (identity.kind === 'user') http.user = { username: identity.name, groups: [...identity.groups] };
  else if (identity.kind === 'anonymous') http.user = { username: 'system:anonymous', groups: ['system:unauthenticated'] };
  else if (identity.kind !== 'failed-authentication') return null;
  const parsed = parseRequestValue(http);
  if (!parsed.ok) return null;
  const resolved = parsed.request.attributes;
  // A resource request's path is free (httpFromAttributes picks one); everything else must come back unchanged.
  const wanted = attributes.resourceRequest ? { ...attributes, path: resolved.path } : attributes;
  if (!sameRequestAttributes(resolved, wanted) || !sameUser(resolved.user, attributes.user)) return null;
  return { http, attributes: resolved };
}
