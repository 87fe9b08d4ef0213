import type { MatcherState } from 'vitest';
import { subjectFor } from '../subject.js';
import { result, words } from './message.js';

/** expect(request).toBeLogged() / .not.toBeLogged(): whether any event is written (level above None). */
export function toBeLogged(this: MatcherState, received: unknown) {
  const subject = subjectFor(received);
  const level = subject.decision.level;
  // `.not` asserts the level None itself: "Expected: not None" would read as the opposite.
  return result(this, 'toBeLogged', subject, level !== 'None', { expected: words('a level above None'), negated: 'None', received: level });
}
