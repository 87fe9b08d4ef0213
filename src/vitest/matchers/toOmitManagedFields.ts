import type { MatcherState } from 'vitest';
import { subjectFor } from '../subject.js';
import { result, words } from './message.js';

const OMITTED = words('managedFields omitted from logged bodies');
const KEPT = words('managedFields kept in logged bodies');

/** expect(request).toOmitManagedFields(): managedFields are dropped from logged bodies. */
export function toOmitManagedFields(this: MatcherState, received: unknown) {
  const subject = subjectFor(received);
  const omit = subject.decision.omitManagedFields;
  return result(this, 'toOmitManagedFields', subject, omit, { expected: OMITTED, negated: KEPT, received: omit ? OMITTED : KEPT });
}
