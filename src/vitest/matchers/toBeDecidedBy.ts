import type { MatcherState } from 'vitest';
import type { PolicyRule } from '../../audit/types.js';
import { policyRuleLineRanges, type LineRange } from '../../coverage/ruleLines.js';
import { formatRuleLocation } from '../../format/explanation.js';
import type { PolicyBinding } from '../policyBinding.js';
import { subjectFor, type MatcherSubject } from '../subject.js';
import { result, words } from './message.js';

/** A rule by its 0-based index, by the rule object, or by any line it occupies in the policy file. */
export type RuleReference = number | PolicyRule | { line: number };

/** The lines each rule occupies in its file, read once per policy (the loader keeps only where a rule starts). */
const rangesOf = new WeakMap<PolicyBinding, LineRange[]>();
export function ruleRanges(binding: PolicyBinding): LineRange[] {
  let ranges = rangesOf.get(binding);
  if (!ranges) {
    ranges = policyRuleLineRanges(binding.policy, binding.file);
    rangesOf.set(binding, ranges);
  }
  return ranges;
}

const span = (r: LineRange) => (r.start === r.end ? `line ${r.start}` : `lines ${r.start}–${r.end}`);

function resolveRule(subject: MatcherSubject, ref: RuleReference): number {
  const rules = subject.binding.policy.rules;
  if (typeof ref === 'object' && ref !== null && 'line' in ref && !('level' in ref)) {
    // A line number alone does not say which module file it is in.
    if (subject.binding.policy.modules) {
      throw new RangeError(`toBeDecidedBy: ${subject.binding.displayPath} is a module directory; name the module: toBeDecidedByModule(name, { line: ${ref.line} })`);
    }
    const ranges = ruleRanges(subject.binding);
    const index = ranges.findIndex((r) => r.start <= ref.line && ref.line <= r.end);
    if (index < 0) {
      const each = ranges.map((r, i) => `  rule ${i}: ${span(r)}`).join('\n');
      throw new RangeError(`toBeDecidedBy: line ${ref.line} of ${subject.binding.displayPath} is not inside a rule. Its rules:\n${each}`);
    }
    return index;
  }
  const index = typeof ref === 'number' ? ref : rules.indexOf(ref as PolicyRule);
  if (!Number.isInteger(index) || index < 0 || index >= rules.length) {
    throw new RangeError(
      `toBeDecidedBy: ${JSON.stringify(typeof ref === 'object' && 'pos' in ref ? ref.pos : ref)} is not a rule of ${subject.binding.displayPath} (it has ${rules.length} rules)`,
    );
  }
  return index;
}

function describeRule(subject: MatcherSubject, index: number | null) {
  if (index === null) return words('default (no rule matched)');
  const range = ruleRanges(subject.binding)[index];
  return words(`rule ${index} at ${formatRuleLocation(subject.binding.policy.rules[index])}${range ? ` (${span(range)})` : ''}`);
}

/** expect(request).toBeDecidedBy(3): the first rule that matches is this one. */
export function toBeDecidedBy(this: MatcherState, received: unknown, ref: RuleReference) {
  const subject = subjectFor(received);
  const index = resolveRule(subject, ref);
  const actual = subject.decision.ruleIndex;
  // Asked by line: every rule's lines, so the right line is easy to pick.
  const byLine = typeof ref === 'object' && ref !== null && 'line' in ref && !('level' in ref);
  return result(this, 'toBeDecidedBy', subject, actual === index, {
    expected: describeRule(subject, index),
    received: describeRule(subject, actual),
    argument: 'rule',
    details: byLine ? [`Rules:    ${ruleRanges(subject.binding).map((r, i) => `${i} ${span(r)}`).join(', ')}`] : undefined,
  });
}
