import type { MatcherState } from 'vitest';
import { formatRuleLocation } from '../../format/explanation.js';
import { subjectFor } from '../subject.js';
import { result } from './message.js';

/**
 * expect(request).toHitDefault(): no rule matched, so kube-apiserver used its
 * default (None). Distinguishes "fell through" from an explicit None rule.
 */
export function toHitDefault(this: MatcherState, received: unknown) {
  const subject = subjectFor(received);
  const index = subject.decision.ruleIndex;
  const received_ = index === null ? 'default (no rule matched)' : `rule ${index} at ${formatRuleLocation(subject.decision.rule)}`;
  return result(this, 'toHitDefault', subject, index === null, 'default (no rule matched)', received_, '');
}
