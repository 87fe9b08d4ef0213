// A policy rule as a boolean formula over the request dimensions, so the diff can
// ask of a whole region at once: does this rule match all of it, none of it, or
// must the region be split? The formula says exactly what checker.go's
// ruleMatches / ruleMatchesResource / ruleMatchesNonResource test, condition for
// condition; only the representation differs.
import type { PolicyRule } from '../audit/types.js';
import type { PathPattern } from './pathSet.js';
import { parsePathPattern, splitByPathPattern } from './pathSet.js';
import type { Region, ValueDimension } from './region.js';
import { withGroup, withValues } from './region.js';
import { relateToValues, splitByValues } from './valueSet.js';

export type Formula =
  | { readonly kind: 'true' }
  | { readonly kind: 'false' }
  /** The request has a user (authentication succeeded). */
  | { readonly kind: 'authenticated' }
  /** The user is a member of the group. */
  | { readonly kind: 'group'; readonly group: string }
  | { readonly kind: 'resourceRequest'; readonly value: boolean }
  | { readonly kind: 'values'; readonly dimension: ValueDimension; readonly accepted: ReadonlySet<string> }
  | { readonly kind: 'path'; readonly pattern: PathPattern }
  | { readonly kind: 'and'; readonly parts: readonly Formula[] }
  | { readonly kind: 'or'; readonly parts: readonly Formula[] };

const TRUE: Formula = { kind: 'true' };
const FALSE: Formula = { kind: 'false' };

function and(parts: Formula[]): Formula {
  const kept: Formula[] = [];
  for (const part of parts) {
    if (part.kind === 'false') return FALSE;
    if (part.kind !== 'true') kept.push(part);
  }
  if (kept.length === 0) return TRUE;
  return kept.length === 1 ? kept[0] : { kind: 'and', parts: kept };
}

function or(parts: Formula[]): Formula {
  const kept: Formula[] = [];
  for (const part of parts) {
    if (part.kind === 'true') return TRUE;
    if (part.kind !== 'false') kept.push(part);
  }
  if (kept.length === 0) return FALSE;
  return kept.length === 1 ? kept[0] : { kind: 'or', parts: kept };
}

const oneOf = (dimension: ValueDimension, values: Iterable<string>): Formula => ({
  kind: 'values',
  dimension,
  accepted: new Set(values),
});

/**
 * The (resource, subresource) pairs one entry of `resources` covers, read the way
 * ruleMatchesResource reads it (resourcePatternMatches in audit/policy/checker.ts
 * is the plain predicate this must agree with): equal to "resource" or "resource/subresource",
 * "*" (everything), "*\/sub" (that subresource of any resource) or "res/*" (the
 * resource itself and all its subresources).
 *
 * Request resources and subresources are single URL path segments (requestinfo.go
 * splits the decoded path on "/"), so they never contain "/". That makes a
 * pattern with two or more slashes match nothing, and "res/" match nothing.
 */
export function resourcePatternFormula(pattern: string): Formula {
  if (pattern === '*') return TRUE;
  const slash = pattern.indexOf('/');
  if (slash < 0) return and([oneOf('resource', [pattern]), oneOf('subresource', [''])]);
  const resource = pattern.slice(0, slash);
  const subresource = pattern.slice(slash + 1);
  if (subresource.includes('/')) return FALSE;
  const ways: Formula[] = [];
  // Equal to "resource/subresource": needs a subresource, since "" would make it "resource" alone.
  if (subresource !== '') ways.push(and([oneOf('resource', [resource]), oneOf('subresource', [subresource])]));
  if (resource === '*' && subresource !== '') ways.push(oneOf('subresource', [subresource]));
  if (subresource === '*') ways.push(oneOf('resource', [resource]));
  return or(ways);
}

/**
 * The formula of one rule: referenceRuleMatches (audit/policy/checker.ts) as a
 * formula over request attributes; `rule` must come from a valid policy. The conditions
 * are a conjunction, so their order is free; it is chosen for splitting: the
 * request kind first (one yes/no that rules out every other condition of a
 * resource rule for non-resource requests and vice versa), then the verb, then
 * the user, then what the request is about.
 */
export function ruleFormula(rule: PolicyRule): Formula {
  const conditions: Formula[] = [];
  const aboutResources = rule.namespaces.length > 0 || rule.resources.length > 0;
  // A rule naming namespaces or resources ignores its nonResourceURLs.
  if (aboutResources) conditions.push({ kind: 'resourceRequest', value: true });
  else if (rule.nonResourceURLs.length > 0) conditions.push({ kind: 'resourceRequest', value: false });
  if (rule.verbs.length > 0) conditions.push(oneOf('verb', rule.verbs));
  if (rule.users.length > 0) conditions.push(and([{ kind: 'authenticated' }, oneOf('userName', rule.users)]));
  if (rule.userGroups.length > 0) {
    conditions.push(and([{ kind: 'authenticated' }, or(rule.userGroups.map((group) => ({ kind: 'group', group })))]));
  }
  if (aboutResources) {
    if (rule.namespaces.length > 0) conditions.push(oneOf('namespace', rule.namespaces));
    if (rule.resources.length > 0) {
      conditions.push(
        or(
          rule.resources.map((entry) => {
            const group: Formula = entry.group === '*' ? TRUE : oneOf('apiGroup', [entry.group]);
            // An entry without resources covers its whole group, resourceNames or not.
            if (entry.resources.length === 0) return group;
            const names: Formula = entry.resourceNames.length > 0 ? oneOf('name', entry.resourceNames) : TRUE;
            return and([group, names, or(entry.resources.map(resourcePatternFormula))]);
          }),
        ),
      );
    }
  } else if (rule.nonResourceURLs.length > 0) {
    conditions.push(or(rule.nonResourceURLs.map((spec) => ({ kind: 'path', pattern: parsePathPattern(spec) }))));
  }
  return and(conditions);
}

/** One condition of a formula: the unit the diff splits regions on. */
export type Atom = Extract<Formula, { kind: 'authenticated' | 'group' | 'resourceRequest' | 'values' | 'path' }>;

/**
 * A formula's value over a whole region: true for all of it, for none of it, or
 * undecided, with the first condition that is undecided (splitting the region
 * on it gets closer to an answer).
 */
export type Verdict = { readonly kind: 'all' } | { readonly kind: 'none' } | { readonly kind: 'split'; readonly atom: Atom };

const ALL: Verdict = { kind: 'all' };
const NONE: Verdict = { kind: 'none' };

function boolVerdict(value: boolean | null | undefined, want: boolean, atom: Atom): Verdict {
  if (value === null || value === undefined) return { kind: 'split', atom };
  return value === want ? ALL : NONE;
}

/**
 * Decides `formula` over `region`. When undecided, the condition to split on is
 * the first undecided one in the order the formula lists them, so a rule's
 * authentication and request-kind tests are settled before the dimensions that
 * only mean something once they are.
 */
export function evaluateFormula(formula: Formula, region: Region): Verdict {
  switch (formula.kind) {
    case 'true':
      return ALL;
    case 'false':
      return NONE;
    case 'authenticated':
      return boolVerdict(region.authenticated, true, formula);
    case 'group':
      return boolVerdict(region.groups.get(formula.group), true, formula);
    case 'resourceRequest':
      return boolVerdict(region.resourceRequest, formula.value, formula);
    case 'values': {
      const relation = relateToValues(region[formula.dimension], formula.accepted);
      return relation === 'inside' ? ALL : relation === 'outside' ? NONE : { kind: 'split', atom: formula };
    }
    case 'path': {
      const relation = splitByPathPattern(region.path, formula.pattern).relation;
      return relation === 'inside' ? ALL : relation === 'outside' ? NONE : { kind: 'split', atom: formula };
    }
    case 'and':
    case 'or': {
      const decisive = formula.kind === 'and' ? 'none' : 'all';
      let firstSplit: Verdict | null = null;
      for (const part of formula.parts) {
        const verdict = evaluateFormula(part, region);
        if (verdict.kind === decisive) return verdict;
        if (verdict.kind === 'split' && firstSplit === null) firstSplit = verdict;
      }
      return firstSplit ?? (formula.kind === 'and' ? ALL : NONE);
    }
  }
}

/** The two parts of `region` where `atom` holds and where it does not; `atom` must be undecided on it. */
export function splitRegion(region: Region, atom: Atom): [Region, Region] {
  switch (atom.kind) {
    case 'authenticated':
      return [
        { ...region, authenticated: true },
        { ...region, authenticated: false },
      ];
    case 'group':
      return [withGroup(region, atom.group, true), withGroup(region, atom.group, false)];
    case 'resourceRequest':
      return [
        { ...region, resourceRequest: atom.value },
        { ...region, resourceRequest: !atom.value },
      ];
    case 'values': {
      const { inside, outside } = splitByValues(region[atom.dimension], atom.accepted);
      return [withValues(region, atom.dimension, inside), withValues(region, atom.dimension, outside)];
    }
    case 'path': {
      const split = splitByPathPattern(region.path, atom.pattern);
      if (split.relation !== 'straddles') throw new Error(`auditspec diff: splitting on a decided path condition`);
      return [
        { ...region, path: split.inside },
        { ...region, path: split.outside },
      ];
    }
  }
}
