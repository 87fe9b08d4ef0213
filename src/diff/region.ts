// A region of the request space: a box with one set per dimension a policy rule
// can test. The diff starts from the whole space and splits regions until every
// rule of both policies either matches all of a region or none of it.
//
// Dimensions that do not apply are left unconstrained and ignored: the user's
// name and groups when authentication failed, the resource dimensions for
// non-resource requests, the path for resource requests.
import type { PathSet } from './pathSet.js';
import { ANY_PATH } from './pathSet.js';
import type { ValueSet } from './valueSet.js';
import { ANY_VALUE } from './valueSet.js';

export interface Region {
  /** null: both; false: failed authentication (the policy sees no user). */
  readonly authenticated: boolean | null;
  readonly userName: ValueSet;
  /**
   * Membership in each group decided so far. A user has a set of groups, and
   * rules only ask whether it meets a list, so the groups dimension is the
   * product of one yes/no per group the policies mention.
   */
  readonly groups: ReadonlyMap<string, boolean>;
  readonly verb: ValueSet;
  /** null: both resource and non-resource requests. */
  readonly resourceRequest: boolean | null;
  readonly apiGroup: ValueSet;
  readonly resource: ValueSet;
  /** "" is the resource itself, without a subresource. */
  readonly subresource: ValueSet;
  /** "" for cluster-scoped requests. */
  readonly namespace: ValueSet;
  /** "" for requests that name no object. */
  readonly name: ValueSet;
  readonly path: PathSet;
}

export type ValueDimension = 'userName' | 'verb' | 'apiGroup' | 'resource' | 'subresource' | 'namespace' | 'name';

export const WHOLE_SPACE: Region = Object.freeze({
  authenticated: null,
  userName: ANY_VALUE,
  groups: new Map<string, boolean>(),
  verb: ANY_VALUE,
  resourceRequest: null,
  apiGroup: ANY_VALUE,
  resource: ANY_VALUE,
  subresource: ANY_VALUE,
  namespace: ANY_VALUE,
  name: ANY_VALUE,
  path: ANY_PATH,
});

export function withValues(region: Region, dimension: ValueDimension, set: ValueSet): Region {
  return { ...region, [dimension]: set };
}

export function withGroup(region: Region, group: string, member: boolean): Region {
  const groups = new Map(region.groups);
  groups.set(group, member);
  return { ...region, groups };
}
