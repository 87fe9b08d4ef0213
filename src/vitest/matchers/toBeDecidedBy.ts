import type { MatcherState } from 'vitest';
import type { PolicyRule } from '../../audit/types.js';
import { formatRuleLocation } from '../../format/explanation.js';
import { subjectFor, type MatcherSubject } from '../subject.js';
import { result } from './message.js';

/** A rule by its 0-based index, by the rule object, or by the line it starts on in the policy file. */
export type RuleReference = number | PolicyRule | { line: number };

function resolveRule(subject: MatcherSubject, ref: RuleReference): number {
  const rules = subject.binding.policy.rules;
  let index: number;
  if (typeof ref === 'number') index = ref;
  else if ('line' in ref && !('level' in ref)) index = rules.findIndex((r) => r.pos.line === ref.line);
  else index = rules.indexOf(ref as PolicyRule);
  if (index < 0 || index >= rules.length) {
    throw new RangeError(
      `toBeDecidedBy: ${JSON.stringify(typeof ref === 'object' && 'pos' in ref ? ref.pos : ref)} is not a rule of ${subject.binding.displayPath} (it has ${rules.length} rules)`,
    );
  }
  return index;
}

const describeRule = (subject: MatcherSubject, index: number | null): string =>
  index === null ? 'default (no rule matched)' : `rule ${index} at ${formatRuleLocation(subject.binding.policy.rules[index])}`;

/** expect(request).toBeDecidedBy(3): the first rule that matches is this one. */
export function toBeDecidedBy(this: MatcherState, received: unknown, ref: RuleReference) {
  const subject = subjectFor(received);
  const index = resolveRule(subject, ref);
  const actual = subject.decision.ruleIndex;
  return result(this, 'toBeDecidedBy', subject, actual === index, describeRule(subject, index), describeRule(subject, actual), 'rule');
}
