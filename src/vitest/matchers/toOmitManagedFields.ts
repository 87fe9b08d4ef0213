import type { MatcherState } from 'vitest';
import { subjectFor } from '../subject.js';
import { result } from './message.js';

/** expect(request).toOmitManagedFields(): managedFields are dropped from logged bodies. */
export function toOmitManagedFields(this: MatcherState, received: unknown) {
  const subject = subjectFor(received);
  const omit = subject.decision.omitManagedFields;
  return result(this, 'toOmitManagedFields', subject, omit, !this.isNot, omit, '');
}
