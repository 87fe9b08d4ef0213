// Where a failing expectation is kept on a test's meta, shared by the worker
// that writes it (failedExpectations.ts) and the reporter that reads it in
// Vitest's main process (githubActions.ts). Nothing here imports Vitest: a
// reporter module that reaches Vitest's test runtime cannot be loaded by
// Vitest 3 ("Vitest failed to access its internal state").
export const FAILED_EXPECTATIONS_META_KEY = 'auditspec:failedExpectations';

export interface FailedExpectation {
  /** The policy file, relative to where Vitest runs (the repository root in CI). */
  file: string;
  /** The deciding rule's first line, or 1 when no rule matched (the default decided). */
  line: number;
  title: string;
  message: string;
}

export function failedExpectationsOf(meta: object): FailedExpectation[] {
  const list = (meta as Record<string, unknown>)[FAILED_EXPECTATIONS_META_KEY];
  return Array.isArray(list) ? (list as FailedExpectation[]) : [];
}
