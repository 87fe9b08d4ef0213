// The exact partition of the request space by (old deciding rule, new deciding
// rule), restricted to the parts where the two outcomes differ.
//
// The walk is a decision-tree refinement: starting from the whole space, find in
// each policy the first rule that does not miss the whole region. If it matches
// the whole region, that policy is decided there; otherwise split the region on
// the condition that rule cannot decide, and recurse. Only conditions of rules
// still in play are ever split on, so the tree stays small however many
// dimensions the product space has. A region is dropped as soon as every rule
// still able to decide it, in both policies, leads to the same written outcome.
import type { Policy } from '../audit/types.js';
import type { Outcome } from './outcome.js';
import { ruleOutcome, sameWrittenOutcome, writtenOutcomeKey } from './outcome.js';
import { WHOLE_SPACE } from './region.js';
import type { Region } from './region.js';
import type { Atom, Formula, Verdict } from './ruleFormula.js';
import { evaluateFormula, ruleFormula, splitRegion } from './ruleFormula.js';

interface PolicyForDiff {
  formulas: Formula[];
  /** Outcome per rule; index rules.length is the default. */
  outcomes: Outcome[];
  /** Per rule: equal ids mean the same formula leading to the same written outcome, across both policies. */
  signatures: number[];
  /** Index of the default. */
  defaultIndex: number;
}

/** A canonical text for a formula: sets sorted, so equal conditions written in any order compare equal. */
function formulaKey(formula: Formula): string {
  return JSON.stringify(formula, (_key, value: unknown) => (value instanceof Set ? [...value].sort() : value));
}

function prepare(policy: Policy, signatureIds: Map<string, number>): PolicyForDiff {
  const outcomes = policy.rules.map((_, index) => ruleOutcome(policy, index));
  outcomes.push(ruleOutcome(policy, null));
  const formulas = policy.rules.map(ruleFormula);
  const signatures = formulas.map((formula, index) => {
    const key = `${formulaKey(formula)} => ${writtenOutcomeKey(outcomes[index])}`;
    let id = signatureIds.get(key);
    if (id === undefined) signatureIds.set(key, (id = signatureIds.size));
    return id;
  });
  return { formulas, outcomes, signatures, defaultIndex: policy.rules.length };
}

/** The requests decided by one rule pair whose outcomes differ. */
export interface ChangedClass {
  /** Rule indices; null = the policy's default. */
  oldRule: number | null;
  newRule: number | null;
  oldOutcome: Outcome;
  newOutcome: Outcome;
  /** Disjoint regions whose union is the class, in the order the walk found them. */
  regions: Region[];
}

/**
 * The rules of one policy that can still decide part of a region, in order: all
 * rules that match some but not all of it, up to and including the first that
 * matches all of it. When none matches all of it, the default follows.
 */
interface Candidates {
  indices: number[];
  verdicts: Verdict[];
  /** Whether the last candidate matches the whole region (otherwise the default comes after it). */
  closed: boolean;
}

function candidatesIn(policy: PolicyForDiff, region: Region, live: readonly number[]): Candidates {
  const indices: number[] = [];
  const verdicts: Verdict[] = [];
  for (const index of live) {
    const verdict = evaluateFormula(policy.formulas[index], region);
    if (verdict.kind === 'none') continue;
    indices.push(index);
    verdicts.push(verdict);
    if (verdict.kind === 'all') return { indices, verdicts, closed: true };
  }
  return { indices, verdicts, closed: false };
}

/** The deciding rule when the first candidate matches the whole region (the default when there are none); else null. */
function decided(policy: PolicyForDiff, candidates: Candidates): number | null {
  if (candidates.indices.length === 0) return policy.defaultIndex;
  return candidates.verdicts[0].kind === 'all' ? candidates.indices[0] : null;
}

/** Every candidate (and the default, when reachable) writes the same as `reference`. */
function allLeadTo(policy: PolicyForDiff, candidates: Candidates, reference: Outcome): boolean {
  for (const index of candidates.indices) if (!sameWrittenOutcome(policy.outcomes[index], reference)) return false;
  return candidates.closed || sameWrittenOutcome(policy.outcomes[policy.defaultIndex], reference);
}

/**
 * The first position where the two candidate sequences differ (a rule with
 * another condition or another written outcome), or -1 when they are the same
 * sequence, in which case both policies decide every request of the region alike.
 */
function firstDifference(before: PolicyForDiff, old: Candidates, after: PolicyForDiff, neu: Candidates): number {
  const common = Math.min(old.indices.length, neu.indices.length);
  for (let i = 0; i < common; i++) {
    if (before.signatures[old.indices[i]] !== after.signatures[neu.indices[i]]) return i;
  }
  if (old.indices.length !== neu.indices.length || old.closed !== neu.closed) return common;
  if (old.closed) return -1;
  return sameWrittenOutcome(before.outcomes[before.defaultIndex], after.outcomes[after.defaultIndex]) ? -1 : common;
}

const atomKeys = new WeakMap<Atom, string>();

/** Equal for atoms that test the same thing, whichever rule they come from. */
function atomKey(atom: Atom): string {
  let key = atomKeys.get(atom);
  if (key === undefined) {
    key = JSON.stringify(atom, (_key, value: unknown) => (value instanceof Set ? [...value].sort() : value));
    atomKeys.set(atom, key);
  }
  return key;
}

/** The undecided condition that the most candidates of both policies would split on next (the earliest on a tie). */
function mostCommonAtom(old: Candidates, neu: Candidates): Atom | null {
  const counts = new Map<string, { atom: Atom; count: number }>();
  let best: { atom: Atom; count: number } | null = null;
  for (const verdicts of [old.verdicts, neu.verdicts]) {
    for (const verdict of verdicts) {
      if (verdict.kind !== 'split') continue;
      const key = atomKey(verdict.atom);
      let entry = counts.get(key);
      if (entry === undefined) counts.set(key, (entry = { atom: verdict.atom, count: 0 }));
      entry.count++;
      if (best === null || entry.count > best.count) best = entry;
    }
  }
  return best?.atom ?? null;
}

/**
 * The condition to split an undecided region on. Splitting on any undecided
 * condition of a candidate is correct; the choice only decides how many
 * regions the walk visits. Where the two sequences share a prefix, splitting
 * on the rule where they first differ separates the changed requests from the
 * rest soonest: where that rule misses, it drops out and the sequences often
 * become the same (an edited policy). Where they differ from the first rule on
 * (unrelated policies), the condition most candidates test is split on, as a
 * decision tree would: it settles the most rules at once.
 */
function splitAtom(old: Candidates, neu: Candidates, difference: number): Atom {
  if (difference === 0) {
    const atom = mostCommonAtom(old, neu);
    if (atom !== null) return atom;
  }
  for (const verdict of [old.verdicts[difference], neu.verdicts[difference]]) {
    if (verdict?.kind === 'split') return verdict.atom;
  }
  for (const verdict of [old.verdicts[0], neu.verdicts[0]]) {
    if (verdict?.kind === 'split') return verdict.atom;
  }
  throw new Error('auditspec diff: an undecided region with nothing to split on');
}

export interface PartitionStats {
  /** Regions the walk visited. */
  regionsVisited: number;
  /** Regions where both policies were decided (changed or not). */
  regionsDecided: number;
}

export function partitionChanges(oldPolicy: Policy, newPolicy: Policy): { classes: ChangedClass[]; stats: PartitionStats } {
  const signatureIds = new Map<string, number>();
  const before = prepare(oldPolicy, signatureIds);
  const after = prepare(newPolicy, signatureIds);
  const classes = new Map<string, ChangedClass>();
  const stats: PartitionStats = { regionsVisited: 0, regionsDecided: 0 };
  const ruleOrNull = (policy: PolicyForDiff, index: number): number | null => (index === policy.defaultIndex ? null : index);

  // Rules that miss all of a region miss all of its parts: each level of the
  // walk only looks at the rules still live in its region.
  const walk = (region: Region, oldLive: readonly number[], newLive: readonly number[]): void => {
    stats.regionsVisited++;
    const o = candidatesIn(before, region, oldLive);
    const n = candidatesIn(after, region, newLive);
    const oldRule = decided(before, o);
    const newRule = decided(after, n);
    if (oldRule !== null && newRule !== null) {
      stats.regionsDecided++;
      const oldOutcome = before.outcomes[oldRule];
      const newOutcome = after.outcomes[newRule];
      if (sameWrittenOutcome(oldOutcome, newOutcome)) return;
      const key = `${oldRule}:${newRule}`;
      let changed = classes.get(key);
      if (changed === undefined) {
        changed = { oldRule: ruleOrNull(before, oldRule), newRule: ruleOrNull(after, newRule), oldOutcome, newOutcome, regions: [] };
        classes.set(key, changed);
      }
      changed.regions.push(region);
      return;
    }
    const difference = firstDifference(before, o, after, n);
    if (difference < 0) return;
    const reference = before.outcomes[o.indices[0] ?? before.defaultIndex];
    if (allLeadTo(before, o, reference) && allLeadTo(after, n, reference)) return;
    for (const part of splitRegion(region, splitAtom(o, n, difference))) walk(part, o.indices, n.indices);
  };
  walk(
    WHOLE_SPACE,
    oldPolicy.rules.map((_, index) => index),
    newPolicy.rules.map((_, index) => index),
  );

  const order = (index: number | null, count: number): number => index ?? count;
  const sorted = [...classes.values()].sort(
    (a, b) =>
      order(a.oldRule, oldPolicy.rules.length) - order(b.oldRule, oldPolicy.rules.length) ||
      order(a.newRule, newPolicy.rules.length) - order(b.newRule, newPolicy.rules.length),
  );
  return { classes: sorted, stats };
}
