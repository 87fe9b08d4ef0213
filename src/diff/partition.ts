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
import { ruleOutcome, sameWrittenOutcome } from './outcome.js';
import type { Region } from './region.js';
import { WHOLE_SPACE } from './region.js';
import type { Formula, Verdict } from './ruleFormula.js';
import { evaluateFormula, ruleFormula } from './ruleFormula.js';

interface PolicyForDiff {
  formulas: Formula[];
  /** Outcome per rule; index rules.length is the default. */
  outcomes: Outcome[];
}

function prepare(policy: Policy): PolicyForDiff {
  const outcomes = policy.rules.map((_, index) => ruleOutcome(policy, index));
  outcomes.push(ruleOutcome(policy, null));
  return { formulas: policy.rules.map(ruleFormula), outcomes };
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

type Resolution = { index: number; verdict: Verdict };

/** The first rule from `start` on that does not miss all of `region` (index rules.length = the default). */
function resolve(policy: PolicyForDiff, region: Region, start: number): Resolution {
  for (let index = start; index < policy.formulas.length; index++) {
    const verdict = evaluateFormula(policy.formulas[index], region);
    if (verdict.kind !== 'none') return { index, verdict };
  }
  return { index: policy.formulas.length, verdict: { kind: 'all' } };
}

/**
 * Whether every rule that can still decide part of `region`, from `first` on up
 * to the first rule matching all of it (or the default), writes `reference`.
 */
function allLeadTo(policy: PolicyForDiff, region: Region, first: Resolution, reference: Outcome): boolean {
  if (!sameWrittenOutcome(policy.outcomes[first.index], reference)) return false;
  if (first.verdict.kind === 'all') return true;
  for (let index = first.index + 1; index < policy.formulas.length; index++) {
    const verdict = evaluateFormula(policy.formulas[index], region);
    if (verdict.kind === 'none') continue;
    if (!sameWrittenOutcome(policy.outcomes[index], reference)) return false;
    if (verdict.kind === 'all') return true;
  }
  return sameWrittenOutcome(policy.outcomes[policy.formulas.length], reference);
}

export interface PartitionStats {
  /** Regions the walk visited. */
  regionsVisited: number;
  /** Regions where both policies were decided (changed or not). */
  regionsDecided: number;
}

export function partitionChanges(oldPolicy: Policy, newPolicy: Policy): { classes: ChangedClass[]; stats: PartitionStats } {
  const before = prepare(oldPolicy);
  const after = prepare(newPolicy);
  const classes = new Map<string, ChangedClass>();
  const stats: PartitionStats = { regionsVisited: 0, regionsDecided: 0 };
  const ruleOrNull = (policy: PolicyForDiff, index: number): number | null => (index === policy.formulas.length ? null : index);

  const walk = (region: Region, oldStart: number, newStart: number): void => {
    stats.regionsVisited++;
    const o = resolve(before, region, oldStart);
    const n = resolve(after, region, newStart);
    if (o.verdict.kind === 'all' && n.verdict.kind === 'all') {
      stats.regionsDecided++;
      const oldOutcome = before.outcomes[o.index];
      const newOutcome = after.outcomes[n.index];
      if (sameWrittenOutcome(oldOutcome, newOutcome)) return;
      const key = `${o.index}:${n.index}`;
      let changed = classes.get(key);
      if (changed === undefined) {
        changed = { oldRule: ruleOrNull(before, o.index), newRule: ruleOrNull(after, n.index), oldOutcome, newOutcome, regions: [] };
        classes.set(key, changed);
      }
      changed.regions.push(region);
      return;
    }
    const reference = before.outcomes[o.index];
    if (allLeadTo(before, region, o, reference) && allLeadTo(after, region, n, reference)) return;
    // Rules before o.index / n.index miss all of the region, hence all of its parts.
    const split = o.verdict.kind === 'split' ? o.verdict : (n.verdict as Extract<Verdict, { kind: 'split' }>);
    for (const part of split.parts) walk(part, o.index, n.index);
  };
  walk(WHOLE_SPACE, 0, 0);

  const order = (index: number | null, count: number): number => index ?? count;
  const sorted = [...classes.values()].sort(
    (a, b) =>
      order(a.oldRule, oldPolicy.rules.length) - order(b.oldRule, oldPolicy.rules.length) ||
      order(a.newRule, newPolicy.rules.length) - order(b.newRule, newPolicy.rules.length),
  );
  return { classes: sorted, stats };
}
