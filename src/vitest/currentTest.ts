// The test that is running in this worker, for code that must put something on
// its meta (which Vitest sends to reporters): failing expectations for the
// GitHub Actions reporter, rule hits for coverage. Tracked by a beforeEach /
// afterEach pair registered from setup files (a hook's context carries the task
// in every Vitest the peer range allows) rather than read from vitest/suite,
// which Vitest 4.1 deprecates with a warning on every import.
import { afterEach, beforeEach } from 'vitest';

/** What of a Vitest task is used here: its meta. */
export interface TaskWithMeta {
  meta: object;
}

let current: TaskWithMeta | undefined;

/** The running test, or undefined while a file is collected or in beforeAll/afterAll. */
export function currentTest(): TaskWithMeta | undefined {
  return current;
}

/**
 * Registers the hooks that track the running test. Called at the top level of
 * a setup file, so they belong to every test of the file; calling it from two
 * setup files registers the same assignment twice, which is harmless.
 */
export function trackCurrentTest(): void {
  beforeEach((context) => {
    current = context.task;
  });
  afterEach(() => {
    current = undefined;
  });
}
