// Worker side of the GitHub Actions annotations: every expectation that fails
// is recorded, with the policy rule that decided, on the running test's meta,
// which Vitest sends to reporters in the main process (githubActions.ts).
// Vitest's own annotation points at the spec line; the line a reviewer has to
// change is the deciding rule's.
//
// The running test is tracked by the beforeEach/afterEach pair extend-expect
// registers (a hook's context has the task in every supported Vitest), rather
// than through vitest/suite, which Vitest 4.1 deprecates with a warning on
// every import.

/** What of a Vitest task this needs: its meta, which reaches reporters. */
interface TaskWithMeta {
  meta: object;
}

let current: TaskWithMeta | undefined;

/** Called by extend-expect around every test. */
export function trackCurrentTest(task: TaskWithMeta | undefined): void {
  current = task;
}

export const FAILED_EXPECTATIONS_META_KEY = 'auditspec:failedExpectations';

export interface FailedExpectation {
  /** The policy file, relative to where Vitest runs (the repository root in CI). */
  file: string;
  /** The deciding rule's first line, or 1 when no rule matched (the default decided). */
  line: number;
  title: string;
  message: string;
}

export function recordFailedExpectation(failure: FailedExpectation): void {
  if (current === undefined) return;
  const meta = current.meta as Record<string, unknown>;
  const list = (meta[FAILED_EXPECTATIONS_META_KEY] as FailedExpectation[] | undefined) ?? [];
  list.push(failure);
  meta[FAILED_EXPECTATIONS_META_KEY] = list;
}

export function failedExpectationsOf(meta: object): FailedExpectation[] {
  const list = (meta as Record<string, unknown>)[FAILED_EXPECTATIONS_META_KEY];
  return Array.isArray(list) ? (list as FailedExpectation[]) : [];
}
