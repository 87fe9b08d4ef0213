import type { MatcherState } from 'vitest';
import { LEVELS, type Level } from '../../audit/types.js';
import { subjectFor } from '../subject.js';
import { result } from './message.js';

/** expect(request).toBeLoggedAt('Metadata'): the level kube-apiserver logs the request at. */
export function toBeLoggedAt(this: MatcherState, received: unknown, level: Level) {
  if (!(LEVELS as readonly string[]).includes(level)) {
    throw new TypeError(`toBeLoggedAt: level must be one of ${LEVELS.join(', ')}; got ${JSON.stringify(level)}`);
  }
  const subject = subjectFor(received);
  const actual = subject.decision.level;
  return result(this, 'toBeLoggedAt', subject, actual === level, { expected: level, received: actual, argument: 'level' });
}
