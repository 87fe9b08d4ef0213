// Worker side of rule coverage: listens to every decision a matcher makes and
// stores the hit on the running test's meta, which Vitest sends to the reporter
// in the main process. Decisions made outside a test (in beforeAll, or while a
// file is collected) wait in a buffer until the file's last afterAll or the next
// test, whichever comes first, so none is lost.
import { currentTest } from '../vitest/currentTest.js';
import { onDecision, type DecisionRecord } from '../vitest/decisions.js';
import { addHit, COVERAGE_META_KEY, isEmpty, mergeHitCounts, type RuleHitCounts } from './counts.js';

interface CollectorState {
  pending: RuleHitCounts;
  stop: () => void;
}

// One collector per worker module graph, even if the setup file is named twice
// (e.g. by the reporter's injection and by the user's config).
const STATE = Symbol.for('auditspec.coverage.collector');
type GlobalWithCollector = typeof globalThis & { [STATE]?: CollectorState };

type MetaHolder = { meta: object };

function metaCounts(task: MetaHolder): RuleHitCounts {
  const meta = task.meta as Record<string, unknown>;
  let counts = meta[COVERAGE_META_KEY] as RuleHitCounts | undefined;
  if (counts === undefined) {
    counts = {};
    meta[COVERAGE_META_KEY] = counts;
  }
  return counts;
}

/** Starts collecting (idempotent). Returns the function that stops it. */
export function startCoverageCollection(): () => void {
  const global = globalThis as GlobalWithCollector;
  const existing = global[STATE];
  if (existing) return existing.stop;
  const state: CollectorState = { pending: {}, stop: () => {} };
  const unsubscribe = onDecision((record: DecisionRecord) => {
    const test = currentTest();
    if (test === undefined) {
      addHit(state.pending, record.policyFile, record.ruleIndex, record.mode);
      return;
    }
    const counts = metaCounts(test);
    if (!isEmpty(state.pending)) flushPendingCoverage(test);
    addHit(counts, record.policyFile, record.ruleIndex, record.mode);
  });
  state.stop = () => {
    unsubscribe();
    delete global[STATE];
  };
  global[STATE] = state;
  return state.stop;
}

/** Moves hits recorded outside any test onto `task` (a test, suite or file). */
export function flushPendingCoverage(task: MetaHolder): void {
  const state = (globalThis as GlobalWithCollector)[STATE];
  if (state === undefined || isEmpty(state.pending)) return;
  mergeHitCounts(metaCounts(task), state.pending);
  state.pending = {};
}
