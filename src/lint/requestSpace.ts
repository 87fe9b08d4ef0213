// Exact set reasoning over "which requests does this rule match".
//
// A policy rule only ever compares request attributes with the strings written in
// the policy (equality, and prefix tests for non-resource URLs), so two requests
// that agree on every such comparison are matched by exactly the same rules. Per
// attribute we therefore keep one representative value for each class of
// indistinguishable values: every string the policy mentions plus one "fresh"
// value that equals none of them (for URL paths, also each prefix followed by a
// fresh tail). A rule then becomes a finite union of boxes (one allowed set of
// representatives per attribute), and "is every request of A matched by B ∪ C"
// becomes box subtraction over finite sets — exact, no sampling.
//
// The boxes paraphrase k8s.io/apiserver/pkg/audit/policy/checker.go (ruleMatches,
// ruleMatchesResource, pathMatches), whose plain rendition is the reference
// section of src/audit/policy/checker.ts (referenceRuleMatches): the resource
// and URL patterns are tested with its predicates; the attribute space is what
// pkg/endpoints/request/requestinfo.go and the authenticators can produce (see
// impossibleRequests).
import { nonResourceURLMatches, resourcePatternMatches } from '../audit/policy/checker.js';
import type { Policy, PolicyRule } from '../audit/types.js';
import type { RequestAttributes } from '../request/types.js';

/** The verbs requestinfo.go gives resource requests ("" for methods it has no verb for, e.g. OPTIONS). */
export const RESOURCE_VERBS: readonly string[] = [
  'get',
  'list',
  'watch',
  'create',
  'update',
  'patch',
  'delete',
  'deletecollection',
  'proxy',
  '',
];

const TYPICAL_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head'];

const ANONYMOUS_USER = 'system:anonymous';
const AUTHENTICATED_GROUP = 'system:authenticated';
const UNAUTHENTICATED_GROUP = 'system:unauthenticated';

/** null = every value of the attribute; otherwise 1 marks an allowed representative. */
type Mask = Uint8Array | null;
/** One allowed set per dimension; a box denotes the product of those sets. */
export type Box = readonly Mask[];
/** A union of boxes. */
export type Region = readonly Box[];

const AUTH = 0;
const USER = 1;
const VERB = 2;
const KIND = 3;
const API_GROUP = 4;
/** (resource, subresource) pairs: resource patterns constrain both at once. */
const RESOURCE = 5;
const NAMESPACE = 6;
const NAME = 7;
const PATH = 8;
/** One yes/no dimension per group name the policy mentions, from here on. */
const FIRST_GROUP = 9;

const AUTHENTICATED = 0;
const NO_USER = 1;
const RESOURCE_REQUEST = 0;
const NON_RESOURCE_REQUEST = 1;
const NOT_MEMBER = 0;
const MEMBER = 1;

/** Extra strings the space distinguishes besides those in the policy (lint rules ask about them). */
export interface SpaceConstants {
  users?: readonly string[];
  verbs?: readonly string[];
  apiGroups?: readonly string[];
  /** [resource, subresource] ("" for none). */
  resources?: readonly (readonly [string, string])[];
  namespaces?: readonly string[];
  userGroups?: readonly string[];
}

export interface RequestSpace {
  readonly users: readonly string[];
  readonly verbs: readonly string[];
  readonly apiGroups: readonly string[];
  readonly resources: readonly (readonly [string, string])[];
  readonly namespaces: readonly string[];
  readonly names: readonly string[];
  readonly paths: readonly string[];
  readonly groups: readonly string[];
  /** Size of each dimension's representative set. */
  readonly sizes: readonly number[];
}

/** A value equal to none of `taken`, built from `base`. */
function freshValue(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

function unique(values: Iterable<string>): string[] {
  return [...new Set(values)];
}

/** Strings rule patterns compare resource and subresource names with (neither ever contains "/"). */
function resourceConstants(pattern: string, resources: Set<string>, subresources: Set<string>): void {
  const add = (set: Set<string>, value: string) => {
    if (!value.includes('/')) set.add(value);
  };
  const slash = pattern.indexOf('/');
  if (slash < 0) add(resources, pattern);
  else {
    add(resources, pattern.slice(0, slash));
    add(subresources, pattern.slice(slash + 1));
  }
  if (pattern.startsWith('*/')) add(subresources, pattern.slice(2));
  if (pattern.endsWith('/*')) add(resources, pattern.slice(0, -2));
}

/**
 * Representative URL paths: every exact path and prefix the policy names, each
 * prefix followed by a tail no longer prefix extends, and one path no pattern
 * touches. Real paths start with "/" (validation requires the same of patterns).
 */
function pathRepresentatives(specs: readonly string[]): string[] {
  const exact = new Set<string>();
  const prefixes = new Set<string>();
  for (const spec of specs) {
    if (spec === '*') continue;
    exact.add(spec);
    if (spec.endsWith('*')) prefixes.add(spec.replace(/\*+$/, ''));
  }
  const taken = new Set([...exact, ...prefixes]);
  const result = [...taken].filter((p) => p.startsWith('/'));
  const startsAny = (path: string) => [...prefixes].some((p) => path.startsWith(p));
  // A tail no longer pattern continues with: some first character is always free,
  // since there are finitely many patterns.
  const tailStarts = ['~', ...'abcdefghijklmnopqrstuvwxyz0123456789'];
  const extend = (base: string): string | undefined => {
    for (const first of [base.endsWith('/') ? '' : '/', ...tailStarts]) {
      const candidate = `${base}${first}auditspec-unmatched`;
      if (taken.has(candidate)) continue;
      const longer = [...prefixes].some((p) => p.length > base.length && candidate.startsWith(p));
      if (!longer) return candidate;
    }
    return undefined;
  };
  for (const prefix of prefixes) {
    if (!prefix.startsWith('/')) continue;
    const tail = extend(prefix);
    if (tail !== undefined) result.push(tail);
  }
  const other = extend('/');
  if (other !== undefined && !startsAny(other)) result.push(other);
  return unique(result);
}

/** Builds the representative values for a policy's rules plus `extra` constants. */
export function buildRequestSpace(rules: readonly PolicyRule[], extra: SpaceConstants = {}): RequestSpace {
  const users = new Set<string>([ANONYMOUS_USER, ...(extra.users ?? [])]);
  const verbs = new Set<string>([...RESOURCE_VERBS, ...TYPICAL_METHODS, ...(extra.verbs ?? [])]);
  const apiGroups = new Set<string>(['', ...(extra.apiGroups ?? [])]);
  const resourceNames = new Set<string>();
  const subresourceNames = new Set<string>(['']);
  for (const [r, s] of extra.resources ?? []) {
    resourceNames.add(r);
    subresourceNames.add(s);
  }
  const namespaces = new Set<string>(['', ...(extra.namespaces ?? [])]);
  const names = new Set<string>(['']);
  const specs: string[] = [];
  const groups = new Set<string>([AUTHENTICATED_GROUP, UNAUTHENTICATED_GROUP, ...(extra.userGroups ?? [])]);
  for (const rule of rules) {
    rule.users.forEach((u) => users.add(u));
    rule.userGroups.forEach((g) => groups.add(g));
    rule.verbs.forEach((v) => verbs.add(v));
    rule.namespaces.forEach((n) => namespaces.add(n));
    specs.push(...rule.nonResourceURLs);
    for (const gr of rule.resources) {
      if (gr.group !== '*') apiGroups.add(gr.group);
      gr.resources.forEach((pattern) => resourceConstants(pattern, resourceNames, subresourceNames));
      gr.resourceNames.forEach((n) => names.add(n));
    }
  }
  // The fresh value goes first where it reads best in an example request.
  const withFresh = (set: Set<string>, base: string, freshFirst: boolean) => {
    const fresh = freshValue(base, set);
    return freshFirst ? [fresh, ...set] : [...set, fresh];
  };
  // A made-up resource in a made-up group reads as "some custom resource".
  const resourceValues = withFresh(resourceNames, 'widgets', true);
  const subresourceValues = withFresh(subresourceNames, 'other-subresource', false);
  const resources: [string, string][] = [];
  for (const r of resourceValues) for (const s of subresourceValues) resources.push([r, s]);
  const space = {
    users: withFresh(users, 'someone', true),
    verbs: withFresh(verbs, 'other-verb', false),
    apiGroups: withFresh(apiGroups, 'example.com', true),
    resources,
    namespaces: withFresh(namespaces, 'some-namespace', false),
    names: withFresh(names, 'some-name', false),
    paths: pathRepresentatives(specs),
    groups: [...groups],
  };
  return {
    ...space,
    sizes: [
      2,
      space.users.length,
      space.verbs.length,
      2,
      space.apiGroups.length,
      space.resources.length,
      space.namespaces.length,
      space.names.length,
      space.paths.length,
      ...space.groups.map(() => 2),
    ],
  };
}

// --- masks and boxes -------------------------------------------------------------

function maskWhere(size: number, allowed: (index: number) => boolean): Mask | 'empty' {
  const mask = new Uint8Array(size);
  let count = 0;
  for (let i = 0; i < size; i++) {
    if (allowed(i)) {
      mask[i] = 1;
      count++;
    }
  }
  if (count === 0) return 'empty';
  return count === size ? null : mask;
}

function isEmptyMask(mask: Uint8Array): boolean {
  for (let i = 0; i < mask.length; i++) if (mask[i]) return false;
  return true;
}

function fullBox(space: RequestSpace): Mask[] {
  return space.sizes.map(() => null);
}

function boxesIntersect(a: Box, b: Box): boolean {
  for (let d = 0; d < a.length; d++) {
    const x = a[d];
    const y = b[d];
    if (x === null || y === null) continue;
    let any = false;
    for (let i = 0; i < x.length; i++) {
      if (x[i] && y[i]) {
        any = true;
        break;
      }
    }
    if (!any) return false;
  }
  return true;
}

function intersectMasks(a: Mask, b: Mask): Mask | 'empty' {
  if (a === null) return b;
  if (b === null) return a;
  const out = new Uint8Array(a.length);
  let any = false;
  for (let i = 0; i < a.length; i++) {
    out[i] = a[i] & b[i];
    if (out[i]) any = true;
  }
  return any ? out : 'empty';
}

/** The intersection of two boxes, or null when it is empty. */
export function intersectBoxes(a: Box, b: Box): Box | null {
  const out: Mask[] = [];
  for (let d = 0; d < a.length; d++) {
    const m = intersectMasks(a[d], b[d]);
    if (m === 'empty') return null;
    out.push(m);
  }
  return out;
}

/** Every pairwise intersection of two regions. */
export function intersectRegions(a: Region, b: Region): Box[] {
  const out: Box[] = [];
  for (const x of a) {
    for (const y of b) {
      const both = intersectBoxes(x, y);
      if (both) out.push(both);
    }
  }
  return out;
}

function containsBox(outer: Box, inner: Box): boolean {
  for (let d = 0; d < outer.length; d++) {
    const o = outer[d];
    if (o === null) continue;
    const i = inner[d];
    if (i === null) return false;
    for (let k = 0; k < i.length; k++) if (i[k] && !o[k]) return false;
  }
  return true;
}

// --- rules as regions ------------------------------------------------------------

class BoxBuilder {
  private readonly masks: Mask[];
  private empty = false;
  constructor(private readonly space: RequestSpace) {
    this.masks = fullBox(space);
  }
  restrict(dimension: number, allowed: (index: number) => boolean): this {
    const m = maskWhere(this.space.sizes[dimension], allowed);
    const combined = m === 'empty' ? 'empty' : intersectMasks(this.masks[dimension], m);
    if (combined === 'empty') this.empty = true;
    else this.masks[dimension] = combined;
    return this;
  }
  copy(): BoxBuilder {
    const b = new BoxBuilder(this.space);
    this.masks.forEach((m, d) => (b.masks[d] = m));
    b.empty = this.empty;
    return b;
  }
  build(): Box | null {
    return this.empty ? null : [...this.masks];
  }
}

/** The requests `rule` matches, as checker.go's ruleMatches decides (referenceRuleMatches in audit/policy/checker.ts, as boxes). */
export function ruleRegion(space: RequestSpace, rule: PolicyRule): Box[] {
  const base = new BoxBuilder(space);
  if (rule.users.length > 0) {
    const users = new Set(rule.users);
    base.restrict(AUTH, (i) => i === AUTHENTICATED).restrict(USER, (i) => users.has(space.users[i]));
  }
  if (rule.verbs.length > 0) {
    const verbs = new Set(rule.verbs);
    base.restrict(VERB, (i) => verbs.has(space.verbs[i]));
  }
  // userGroups: member of at least one listed group — one box per group.
  let starts: BoxBuilder[] = [base];
  if (rule.userGroups.length > 0) {
    starts = unique(rule.userGroups).map((group) =>
      base
        .copy()
        .restrict(AUTH, (i) => i === AUTHENTICATED)
        .restrict(FIRST_GROUP + space.groups.indexOf(group), (i) => i === MEMBER),
    );
  }
  const boxes: Box[] = [];
  for (const start of starts) {
    if (rule.namespaces.length > 0 || rule.resources.length > 0) {
      start.restrict(KIND, (i) => i === RESOURCE_REQUEST);
      if (rule.namespaces.length > 0) {
        const namespaces = new Set(rule.namespaces);
        start.restrict(NAMESPACE, (i) => namespaces.has(space.namespaces[i]));
      }
      if (rule.resources.length === 0) {
        const box = start.build();
        if (box) boxes.push(box);
        continue;
      }
      for (const gr of rule.resources) {
        const b = start.copy();
        if (gr.group !== '*') b.restrict(API_GROUP, (i) => space.apiGroups[i] === gr.group);
        // An entry without resources covers its whole group, whatever resourceNames say.
        if (gr.resources.length > 0) {
          b.restrict(RESOURCE, (i) => {
            const [r, s] = space.resources[i];
            return gr.resources.some((pattern) => resourcePatternMatches(pattern, r, s));
          });
          if (gr.resourceNames.length > 0) {
            const names = new Set(gr.resourceNames);
            b.restrict(NAME, (i) => names.has(space.names[i]));
          }
        }
        const box = b.build();
        if (box) boxes.push(box);
      }
    } else if (rule.nonResourceURLs.length > 0) {
      start
        .restrict(KIND, (i) => i === NON_RESOURCE_REQUEST)
        .restrict(PATH, (i) => rule.nonResourceURLs.some((spec) => nonResourceURLMatches(spec, space.paths[i])));
      const box = start.build();
      if (box) boxes.push(box);
    } else {
      const box = start.build();
      if (box) boxes.push(box);
    }
  }
  return boxes;
}

/** Constraints for describing a set of requests directly (every field optional = any). */
export interface RequestConstraints {
  resourceRequest?: boolean;
  verbs?: readonly string[];
  apiGroups?: readonly string[];
  /** [resource, subresource] pairs. */
  resources?: readonly (readonly [string, string])[];
}

/** A box from explicit constraints; the constants must have been given to buildRequestSpace. */
export function constraintBox(space: RequestSpace, constraints: RequestConstraints): Box | null {
  const b = new BoxBuilder(space);
  if (constraints.resourceRequest !== undefined) {
    const want = constraints.resourceRequest ? RESOURCE_REQUEST : NON_RESOURCE_REQUEST;
    b.restrict(KIND, (i) => i === want);
  }
  if (constraints.verbs) {
    const verbs = new Set(constraints.verbs);
    b.restrict(VERB, (i) => verbs.has(space.verbs[i]));
  }
  if (constraints.apiGroups) {
    const groups = new Set(constraints.apiGroups);
    b.restrict(API_GROUP, (i) => groups.has(space.apiGroups[i]));
  }
  if (constraints.resources) {
    const wanted = constraints.resources;
    b.restrict(RESOURCE, (i) => wanted.some(([r, s]) => space.resources[i][0] === r && space.resources[i][1] === s));
  }
  return b.build();
}

/** Every request. */
export function everyRequest(space: RequestSpace): Box {
  return fullBox(space);
}

/**
 * Attribute combinations kube-apiserver never evaluates a policy on. Treating them
 * as already covered keeps "not covered" answers to requests that can happen:
 * - requestinfo.go gives resource requests only RESOURCE_VERBS, and lower-cases
 *   every verb (non-resource requests get the lower-cased HTTP method);
 * - a resource "get"/"delete" without a name becomes "list"/"watch"/"deletecollection",
 *   and nothing gives "deletecollection" a name;
 * - kube-apiserver wraps its authenticators in AuthenticatedGroupAdder
 *   (pkg/kubeapiserver/authenticator/config.go), so every user except one named
 *   system:anonymous is in system:authenticated or system:unauthenticated.
 */
export function impossibleRequests(space: RequestSpace): Box[] {
  const boxes: (Box | null)[] = [];
  const resourceVerbs = new Set(RESOURCE_VERBS);
  boxes.push(
    new BoxBuilder(space)
      .restrict(KIND, (i) => i === RESOURCE_REQUEST)
      .restrict(VERB, (i) => !resourceVerbs.has(space.verbs[i]))
      .build(),
  );
  boxes.push(new BoxBuilder(space).restrict(VERB, (i) => space.verbs[i] !== space.verbs[i].toLowerCase()).build());
  boxes.push(
    new BoxBuilder(space)
      .restrict(KIND, (i) => i === RESOURCE_REQUEST)
      .restrict(VERB, (i) => space.verbs[i] === 'get' || space.verbs[i] === 'delete')
      .restrict(NAME, (i) => space.names[i] === '')
      .build(),
  );
  boxes.push(
    new BoxBuilder(space)
      .restrict(KIND, (i) => i === RESOURCE_REQUEST)
      .restrict(VERB, (i) => space.verbs[i] === 'deletecollection')
      .restrict(NAME, (i) => space.names[i] !== '')
      .build(),
  );
  boxes.push(
    new BoxBuilder(space)
      .restrict(AUTH, (i) => i === AUTHENTICATED)
      .restrict(USER, (i) => space.users[i] !== ANONYMOUS_USER)
      .restrict(FIRST_GROUP + space.groups.indexOf(AUTHENTICATED_GROUP), (i) => i === NOT_MEMBER)
      .restrict(FIRST_GROUP + space.groups.indexOf(UNAUTHENTICATED_GROUP), (i) => i === NOT_MEMBER)
      .build(),
  );
  return boxes.filter((b): b is Box => b !== null);
}

// --- coverage ----------------------------------------------------------------------

export type Coverage =
  | { covered: true }
  /** `typical`: the witness is an ordinary request (see typicalRequests). */
  | { covered: false; witness: RequestAttributes; typical: boolean }
  /** The search gave up (budget exhausted): lint rules then report nothing. */
  | { covered: 'unknown' };

class BudgetExceeded extends Error {}

/**
 * Whether every request in `region` lies in `covers` (or is impossible). When not,
 * returns a concrete request that is in `region` and in no box of `covers`.
 */
export function findUncovered(
  space: RequestSpace,
  region: Region,
  covers: Region,
  options: { budget?: number; typicalWitness?: boolean } = {},
): Coverage {
  const budget = options.budget ?? 200_000;
  const any = uncoveredIn(space, region, covers, budget);
  if (any.covered !== false || options.typicalWitness === false) return any;
  // Prefer an ordinary request as the example a message shows; any uncovered
  // request is a correct answer, so fall back to the first one found.
  const typical = uncoveredIn(space, intersectRegions(region, typicalRequests(space)), covers, budget);
  return typical.covered === false ? { ...typical, typical: true } : any;
}

/**
 * Requests as ordinary clients send them: an authenticated user (in
 * system:authenticated); for resource requests plain names, a verb other than
 * proxy, updates and patches of a named object, creates of a new object (no
 * name) or on a subresource; for non-resource requests a common HTTP method.
 */
export function typicalRequests(space: RequestSpace): Box[] {
  const user = () =>
    new BoxBuilder(space)
      .restrict(AUTH, (i) => i === AUTHENTICATED)
      .restrict(FIRST_GROUP + space.groups.indexOf(AUTHENTICATED_GROUP), (i) => i === MEMBER)
      .restrict(FIRST_GROUP + space.groups.indexOf(UNAUTHENTICATED_GROUP), (i) => i === NOT_MEMBER);
  // Names a client would put in a URL: no empty resource, no literal "*", no "/".
  const segment = (value: string) => value !== '*' && !value.includes('/');
  const resource = (verbs: readonly string[]) => {
    const set = new Set(verbs);
    return user()
      .restrict(KIND, (i) => i === RESOURCE_REQUEST)
      .restrict(VERB, (i) => set.has(space.verbs[i]))
      .restrict(RESOURCE, (i) => space.resources[i][0] !== '' && segment(space.resources[i][0]) && segment(space.resources[i][1]))
      .restrict(NAMESPACE, (i) => segment(space.namespaces[i]))
      .restrict(NAME, (i) => segment(space.names[i]));
  };
  const methods = new Set(TYPICAL_METHODS);
  return [
    resource(['get', 'list', 'watch', 'delete', 'deletecollection']).build(),
    resource(['update', 'patch'])
      .restrict(NAME, (i) => space.names[i] !== '')
      .build(),
    resource(['create'])
      .restrict(NAME, (i) => space.names[i] === '')
      .build(),
    resource(['create'])
      .restrict(RESOURCE, (i) => space.resources[i][1] !== '')
      .build(),
    user()
      .restrict(KIND, (i) => i === NON_RESOURCE_REQUEST)
      .restrict(VERB, (i) => methods.has(space.verbs[i]))
      .build(),
  ].filter((b): b is Box => b !== null);
}

const impossibleBySpace = new WeakMap<RequestSpace, Box[]>();

function uncoveredIn(space: RequestSpace, region: Region, covers: Region, budget: number): Coverage {
  let impossible = impossibleBySpace.get(space);
  if (!impossible) {
    impossible = impossibleRequests(space);
    impossibleBySpace.set(space, impossible);
  }
  let steps = 0;
  // `candidates` all intersect `box` (children only shrink, so each level passes
  // on the ones still intersecting). A box some candidate contains is covered at
  // once; otherwise it is split around the first candidate and the pieces
  // outside it are searched against the rest.
  const search = (box: Box, candidates: readonly Box[]): Box | null => {
    if (++steps > budget) throw new BudgetExceeded();
    if (candidates.length === 0) return box;
    for (const c of candidates) if (containsBox(c, box)) return null;
    const [cover, ...others] = candidates;
    // box \ cover, as disjoint slices: for each dimension cover restricts, the part
    // of what is left that lies outside cover in that dimension.
    let rest: Mask[] = [...box];
    for (let d = 0; d < rest.length; d++) {
      const c = cover[d];
      if (c === null) continue;
      const current = rest[d];
      const outside = new Uint8Array(c.length);
      const inside = new Uint8Array(c.length);
      for (let k = 0; k < c.length; k++) {
        const present = current === null ? 1 : current[k];
        outside[k] = present & (c[k] ^ 1);
        inside[k] = present & c[k];
      }
      if (!isEmptyMask(outside)) {
        const slice = [...rest];
        slice[d] = outside;
        const found = search(
          slice,
          others.filter((o) => boxesIntersect(slice, o)),
        );
        if (found) return found;
      }
      rest = [...rest];
      rest[d] = inside;
    }
    return null;
  };
  try {
    for (const box of region) {
      const candidates: Box[] = [];
      for (const c of impossible) if (boxesIntersect(box, c)) candidates.push(c);
      for (const c of covers) if (boxesIntersect(box, c)) candidates.push(c);
      const found = search(box, candidates);
      if (found) return { covered: false, witness: requestIn(space, found), typical: false };
    }
  } catch (err) {
    if (err instanceof BudgetExceeded) return { covered: 'unknown' };
    throw err;
  }
  return { covered: true };
}

function firstIndex(mask: Mask): number {
  if (mask === null) return 0;
  return mask.indexOf(1);
}

/** A concrete request inside `box` (the first representative of each dimension). */
export function requestIn(space: RequestSpace, box: Box): RequestAttributes {
  const pick = (d: number) => firstIndex(box[d]);
  const authenticated = pick(AUTH) === AUTHENTICATED;
  const groups = space.groups.filter((_, g) => pick(FIRST_GROUP + g) === MEMBER);
  const user = authenticated ? { name: space.users[pick(USER)], groups } : null;
  const verb = space.verbs[pick(VERB)];
  if (pick(KIND) === NON_RESOURCE_REQUEST) {
    const path = space.paths.length > 0 ? space.paths[pick(PATH)] : '/';
    return {
      user,
      verb,
      resourceRequest: false,
      apiGroup: '',
      apiVersion: '',
      resource: '',
      subresource: '',
      namespace: '',
      name: '',
      path,
    };
  }
  const apiGroup = space.apiGroups[pick(API_GROUP)];
  const [resource, subresource] = space.resources[pick(RESOURCE)];
  const namespace = space.namespaces[pick(NAMESPACE)];
  const name = space.names[pick(NAME)];
  const prefix = apiGroup === '' ? '/api/v1' : `/apis/${apiGroup}/v1`;
  // The URL path kube-apiserver would have resolved this from: a list or watch
  // names its object in a fieldSelector, not in the path.
  const segments = [prefix];
  if (namespace !== '') segments.push('namespaces', namespace);
  segments.push(resource);
  const nameInQuery = verb === 'list' || verb === 'watch';
  if (subresource !== '' || (name !== '' && !nameInQuery)) segments.push(nameInQuery ? '' : name);
  if (subresource !== '') segments.push(subresource);
  return {
    user,
    verb,
    resourceRequest: true,
    apiGroup,
    apiVersion: 'v1',
    resource,
    subresource,
    namespace,
    name,
    path: segments.join('/'),
  };
}

const spaces = new WeakMap<Policy, RequestSpace>();

/** Constants every lint rule may ask about (sensitive resources, well-known identities). */
export const LINT_CONSTANTS: SpaceConstants = {
  apiGroups: ['authentication.k8s.io'],
  resources: [
    ['secrets', ''],
    ['configmaps', ''],
    ['serviceaccounts', 'token'],
    ['tokenreviews', ''],
  ],
};

/** The request space of a policy (with LINT_CONSTANTS), computed once per policy. */
export function requestSpaceOf(policy: Policy): RequestSpace {
  let space = spaces.get(policy);
  if (!space) {
    space = buildRequestSpace(policy.rules, LINT_CONSTANTS);
    spaces.set(policy, space);
  }
  return space;
}
