import type { MatcherState } from 'vitest';
import { subjectFor } from '../subject.js';
import { result } from './message.js';

/** expect(request).toBeLogged() / .not.toBeLogged(): whether any event is written (level above None). */
export function toBeLogged(this: MatcherState, received: unknown) {
  const subject = subjectFor(received);
  const level = subject.decision.level;
  return result(this, 'toBeLogged', subject, level !== 'None', this.isNot ? 'None' : 'a level above None', level, '');
}
