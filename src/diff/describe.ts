// Words for regions and requests in diff reports.
import type { RequestAttributes } from '../request/types.js';
import type { HttpExample } from './example.js';
import { describePathSet } from './pathSet.js';
import type { Region } from './region.js';
import { describeValueSet, type ValueSet } from './valueSet.js';

const q = (value: string): string => JSON.stringify(value);

/** What a region constrains, one phrase per dimension it constrains. */
export function describeRegion(region: Region): string[] {
  const phrases: string[] = [];
  const constrained = (set: ValueSet): boolean => set.kind === 'only' || set.values.size > 0;
  if (region.authenticated === false) phrases.push('authentication failed (no user)');
  else {
    if (constrained(region.userName)) phrases.push(`user ${describeValueSet(region.userName)}`);
    else if (region.authenticated === true) phrases.push('authenticated');
    const inGroups = [...region.groups].filter(([, member]) => member).map(([group]) => q(group));
    const notInGroups = [...region.groups].filter(([, member]) => !member).map(([group]) => q(group));
    if (inGroups.length > 0) phrases.push(`in group${inGroups.length > 1 ? 's' : ''} ${inGroups.join(', ')}`);
    if (notInGroups.length > 0) phrases.push(`not in ${notInGroups.join(', ')}`);
    if (region.authenticated === null && phrases.length === 0) phrases.push('authenticated or not');
  }
  if (constrained(region.verb)) phrases.push(`verb ${describeValueSet(region.verb)}`);
  if (region.resourceRequest === true) {
    phrases.push('resource request');
    if (constrained(region.apiGroup)) phrases.push(`API group ${describeValueSet(region.apiGroup, (g) => (g === '' ? '"" (core)' : q(g)))}`);
    if (constrained(region.resource)) phrases.push(`resource ${describeValueSet(region.resource)}`);
    if (constrained(region.subresource)) {
      phrases.push(`subresource ${describeValueSet(region.subresource, (s) => (s === '' ? 'none' : q(s)))}`);
    }
    if (constrained(region.namespace)) {
      phrases.push(`namespace ${describeValueSet(region.namespace, (n) => (n === '' ? '"" (cluster-scoped)' : q(n)))}`);
    }
    if (constrained(region.name)) phrases.push(`name ${describeValueSet(region.name, (n) => (n === '' ? '"" (none)' : q(n)))}`);
  } else if (region.resourceRequest === false) {
    phrases.push('non-resource request');
    const path = region.path;
    if (path.kind === 'only' || path.prefix !== '' || path.excludedPrefixes.length > 0 || path.excludedPaths.size > 0) {
      phrases.push(`path ${describePathSet(path)}`);
    }
  }
  return phrases;
}

function describeUser(attributes: RequestAttributes): string {
  const user = attributes.user;
  if (user === null) return '(failed authentication)';
  return user.groups.length > 0 ? `${user.name} [${user.groups.join(', ')}]` : `${user.name} []`;
}

/** One line naming the request, e.g. `alice [system:authenticated] GET /api/v1/namespaces/a/pods/b`. */
export function describeRequest(attributes: RequestAttributes, http: HttpExample | null): string {
  const who = describeUser(attributes);
  if (http !== null) return `${who} ${http.method} ${http.url}`;
  if (!attributes.resourceRequest) return `${who} ${attributes.verb} ${attributes.path} (non-resource)`;
  const resource = attributes.subresource === '' ? attributes.resource : `${attributes.resource}/${attributes.subresource}`;
  const parts = [`${who} ${attributes.verb === '' ? '""' : attributes.verb} ${resource}`];
  if (attributes.apiGroup !== '') parts.push(`in group ${attributes.apiGroup}`);
  if (attributes.name !== '') parts.push(`named ${q(attributes.name)}`);
  parts.push(attributes.namespace === '' ? '(cluster-scoped)' : `in namespace ${q(attributes.namespace)}`);
  return parts.join(' ');
}
