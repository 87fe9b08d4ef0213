// expect(requests).toMatchAuditSnapshot(): the snapshot table as a matcher, for
// the policy the test is bound to (describePolicy / usePolicy).
import type { MatcherState } from 'vitest';
import { expectPolicySnapshot, type SnapshotRequests } from './policySnapshot.js';

export function toMatchAuditSnapshot(this: MatcherState, received: unknown, hint?: string) {
  if (this.isNot) throw new Error('toMatchAuditSnapshot cannot be negated: a snapshot either matches or is updated.');
  if (received === null || typeof received !== 'object') {
    throw new TypeError('toMatchAuditSnapshot expects an array of requests or an object of labelled requests.');
  }
  // A mismatch throws Vitest's own snapshot error, with its diff.
  expectPolicySnapshot(undefined, received as SnapshotRequests, hint);
  return { pass: true, message: () => 'audit snapshot matched' };
}

export const auditSnapshotMatchers = { toMatchAuditSnapshot };

export interface AuditSnapshotMatchers<R = unknown> {
  /** Decisions for these requests under the bound policy match the stored snapshot table. */
  toMatchAuditSnapshot(hint?: string): R;
}

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Matchers<T = any> extends AuditSnapshotMatchers<T> {}
}
