import type { MatcherState } from 'vitest';
import { formatRuleLocation } from '../../format/explanation.js';
import { subjectFor } from '../subject.js';
import { result, words } from './message.js';

const DEFAULT = words('default (no rule matched)');

/**
 * expect(request).toHitDefault(): no rule matched, so kube-apiserver used its
 * default (None). Distinguishes "fell through" from an explicit None rule.
 */
export function toHitDefault(this: MatcherState, received: unknown) {
  const subject = subjectFor(received);
  const index = subject.decision.ruleIndex;
  const decidedBy = index === null ? DEFAULT : words(`rule ${index} at ${formatRuleLocation(subject.decision.rule)}`);
  return result(this, 'toHitDefault', subject, index === null, { expected: DEFAULT, negated: words('a rule to match'), received: decidedBy });
}
