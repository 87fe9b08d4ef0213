// Worker side of the GitHub Actions annotations: every expectation that fails
// is recorded, with the policy rule that decided, on the running test's meta,
// which Vitest sends to reporters in the main process (githubActions.ts).
// Vitest's own annotation points at the spec line; the line a reviewer has to
// change is the deciding rule's.
import { currentTest } from './currentTest.js';
import { FAILED_EXPECTATIONS_META_KEY, type FailedExpectation } from './failedExpectationMeta.js';

export function recordFailedExpectation(failure: FailedExpectation): void {
  const test = currentTest();
  if (test === undefined) return;
  const meta = test.meta as Record<string, unknown>;
  const list = (meta[FAILED_EXPECTATIONS_META_KEY] as FailedExpectation[] | undefined) ?? [];
  list.push(failure);
  meta[FAILED_EXPECTATIONS_META_KEY] = list;
}
