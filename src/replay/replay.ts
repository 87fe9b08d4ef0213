// Replays recorded audit logs through a policy: every request in the logs is
// decided again, once, and compared with what was recorded (or with what a
// baseline policy decides), so a policy change can be judged on real traffic
// before it reaches a cluster. The steps a line goes through are in tally.ts;
// this is the driver that feeds it the files' lines, in order.
import type { Policy } from '../audit/types.js';
import type { UnitFolding } from './jobs/foldUnit.js';
import { replayInParallel } from './jobs/parallelReplay.js';
import { readLines } from './lines.js';
import type { ReplayReport } from './report.js';
import { ReplayTally, type TallyOptions } from './tally.js';

export type { ChangedClass, LineProblem, ReplayReport, RuleCount, StageVolume } from './report.js';

export interface ReplayOptions {
  policy: Policy;
  /** Compare with this policy's decisions instead of the levels recorded in the log. */
  baseline?: Policy;
  /** Requests whose events may still arrive (see RequestWindow). Default 100 000. */
  windowSize?: number;
  /** How many changed request classes the report lists. Default 20. */
  topClasses?: number;
  /** Example requests kept per changed class. Default 3. */
  examplesPerClass?: number;
  /** Malformed lines reported by position (all are counted). Default 10. */
  malformedExamples?: number;
  /**
   * Distinct changed classes tracked; beyond this, changed requests of new classes
   * are only counted (as `untrackedChangedRequests`), keeping memory bounded.
   * Default 50 000.
   */
  maxTrackedClasses?: number;
  /**
   * Worker threads that each count a range of the logs (see jobs/parallelReplay.ts);
   * this thread joins their counts. Default 1: everything on this thread. The report is the same.
   */
  jobs?: number;
  /** With jobs: the size of the byte ranges the logs are cut into, every one (default: an eighth of each worker's share, 1–32 MiB, the last stretch four times finer: jobs/units.ts). For tests. */
  jobUnitBytes?: number;
  /** With jobs: how many first lines of a range hand back first events that are not RequestReceived (see jobs/rangeDeferral.ts; default learned as the replay goes, jobs/handBackReach.ts). For tests. */
  jobHandBackLines?: number;
  /**
   * With jobs: told how each unit was joined, merged or counted again on this thread (see jobs/foldUnit.ts),
   * and, for a unit a worker counted, how many first lines it was told to hand back and how many it did. For tests.
   */
  onJobUnit?: (unit: number, folding: UnitFolding, handedBack?: { handBackLines: number; lines: number }) => void;
  onProgress?: (progress: ReplayProgress) => void;
}

export interface ReplayProgress {
  file: string;
  fileIndex: number;
  files: number;
  readBytes: number;
  totalBytes: number;
  events: number;
}

export function tallyOptions(options: ReplayOptions): TallyOptions {
  return {
    policy: options.policy,
    baseline: options.baseline,
    windowSize: options.windowSize ?? 100_000,
    topClasses: options.topClasses ?? 20,
    examplesPerClass: options.examplesPerClass ?? 3,
    malformedExamples: options.malformedExamples ?? 10,
    maxTrackedClasses: options.maxTrackedClasses ?? 50_000,
  };
}

export async function replayAuditLogs(files: readonly string[], options: ReplayOptions): Promise<ReplayReport> {
  const jobs = options.jobs ?? 1;
  if (!Number.isInteger(jobs) || jobs < 1) throw new RangeError(`jobs must be a positive integer, got ${jobs}`);
  if (jobs > 1) return replayInParallel(files, options, tallyOptions(options), jobs);
  const tally = new ReplayTally(tallyOptions(options));
  // Each line's position in the log (see tallyCounts.ts): its number among all lines read.
  let pos = 0;
  for (let fileIndex = 0; fileIndex < files.length; fileIndex++) {
    const file = files[fileIndex];
    const onProgress = options.onProgress;
    const result = await readLines(file, (text, lineNumber, bytes) => tally.onLine(file, text, lineNumber, bytes, ++pos), {
      onProgress: onProgress
        ? ({ readBytes, totalBytes }) => onProgress({ file, fileIndex, files: files.length, readBytes, totalBytes, events: tally.events })
        : undefined,
    });
    tally.onFileRead(file, result);
  }
  return tally.report();
}
