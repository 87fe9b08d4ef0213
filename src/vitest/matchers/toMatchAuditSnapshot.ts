// expect(requests).toMatchAuditSnapshot(): the snapshot table (../snapshot.ts)
// as a matcher, for the policy the test is bound to (describePolicy / usePolicy).
import type { MatcherState } from 'vitest';
import { expectPolicySnapshot, type SnapshotRequests } from '../snapshot.js';

export function toMatchAuditSnapshot(this: MatcherState, received: unknown, hint?: string) {
  // A snapshot either matches or is updated with `vitest -u`; "does not match
  // the stored table" says nothing about what the policy should decide.
  if (this.isNot) throw new Error('toMatchAuditSnapshot cannot be negated: a snapshot either matches or is updated.');
  if (received === null || typeof received !== 'object') {
    throw new TypeError('toMatchAuditSnapshot expects an array of requests or an object of labelled requests.');
  }
  // A mismatch throws Vitest's own snapshot error, with its diff.
  expectPolicySnapshot(undefined, received as SnapshotRequests, hint);
  return { pass: true, message: () => 'audit snapshot matched' };
}
