// What a policy decides for the requests one of its rules (or its default)
// catches, and when two such decisions make kube-apiserver write the same thing.
import type { Level, Policy, SourcePosition, Stage } from '../audit/types.js';
import { STAGES } from '../audit/types.js';

export interface Outcome {
  level: Level;
  /** Policy-level ∪ rule-level omitStages, in kube-apiserver's stage order. */
  omitStages: Stage[];
  omitManagedFields: boolean;
  /** 0-based index of the deciding rule; null for the policy's default (level None). */
  ruleIndex: number | null;
  /** Where the deciding rule is; undefined for the default. */
  rulePos?: SourcePosition;
}

const stageSet = (lists: readonly (readonly string[])[]): Stage[] =>
  STAGES.filter((stage) => lists.some((list) => list.includes(stage)));

/** The outcome of rule `index`, or of the default when `index` is null (checker.go's EvaluatePolicyRule). */
export function ruleOutcome(policy: Policy, index: number | null): Outcome {
  if (index === null) {
    return { level: 'None', omitStages: stageSet([policy.omitStages]), omitManagedFields: policy.omitManagedFields, ruleIndex: null };
  }
  const rule = policy.rules[index];
  return {
    level: rule.level as Level,
    // NewPolicyRuleEvaluator unions the policy's stages into every rule's.
    omitStages: stageSet([policy.omitStages, rule.omitStages]),
    omitManagedFields: rule.omitManagedFields ?? policy.omitManagedFields,
    ruleIndex: index,
    rulePos: rule.pos,
  };
}

const BODY_LEVELS: ReadonlySet<Level> = new Set<Level>(['Request', 'RequestResponse']);

/**
 * Whether kube-apiserver writes the same thing under both outcomes. Settings
 * that cannot show at a level are ignored: at None no event exists at all (the
 * audit filter returns before creating one), so its stages and managed-fields
 * setting are moot; below Request no object body is logged, so
 * omitManagedFields is moot (audit/request.go only strips managed fields from
 * the bodies it logs).
 */
export function sameWrittenOutcome(a: Outcome, b: Outcome): boolean {
  if (a.level !== b.level) return false;
  if (a.level === 'None') return true;
  if (a.omitStages.length !== b.omitStages.length || a.omitStages.some((stage, i) => stage !== b.omitStages[i])) return false;
  return !BODY_LEVELS.has(a.level) || a.omitManagedFields === b.omitManagedFields;
}

/** A key equal for exactly the outcomes sameWrittenOutcome deems the same. */
export function writtenOutcomeKey(outcome: Outcome): string {
  if (outcome.level === 'None') return 'None';
  const bodies = BODY_LEVELS.has(outcome.level) ? String(outcome.omitManagedFields) : '';
  return `${outcome.level}|${outcome.omitStages.join(',')}|${bodies}`;
}

/**
 * What kube-apiserver writes differently between two outcomes: the level, and
 * each setting that shows at both levels and differs.
 */
export function differingFields(a: Outcome, b: Outcome): ('level' | 'omitStages' | 'omitManagedFields')[] {
  const fields: ('level' | 'omitStages' | 'omitManagedFields')[] = [];
  if (a.level !== b.level) fields.push('level');
  if (a.level === 'None' || b.level === 'None') return fields;
  if (a.omitStages.join() !== b.omitStages.join()) fields.push('omitStages');
  if (BODY_LEVELS.has(a.level) && BODY_LEVELS.has(b.level) && a.omitManagedFields !== b.omitManagedFields) {
    fields.push('omitManagedFields');
  }
  return fields;
}
