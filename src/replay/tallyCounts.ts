// What a replay tally has counted, as plain data: the numbers the report is
// made of, with the log position of everything whose place in the report
// depends on the order the log was read in (examples, and the first request of
// each changed class). A `--jobs` worker counts its range into one of these and
// posts it whole; the main thread adds it to its own (jobs/mergeCounts.ts).
//
// A position orders lines across the whole log: in a single-threaded replay
// the line's number among all lines read, with jobs the range's index times
// 2^32 plus the line's number within the range (see jobs/parallelReplay.ts).
// Only their order is used, never their value.
import type { Level } from '../audit/types.js';
import { LEVELS } from '../audit/types.js';
import type { RequestClass } from './requestClass.js';
import type { ChangedClass, LineProblem } from './report.js';
import { BodySizeSamples, VolumeTally } from './volume.js';

export type PositionedProblem = LineProblem & { pos: number };
export type PositionedExample = ChangedClass['examples'][number] & { pos: number };

export interface ClassTally {
  class: RequestClass;
  from: Level;
  to: Level;
  requests: number;
  /** The first examples, in log order. */
  examples: PositionedExample[];
  /** Where the first request of the class is: breaks ties between classes in the report as a single thread's reading order does. */
  firstPos: number;
}

export interface TallyCounts {
  lines: number;
  blankLines: number;
  events: number;
  requests: number;
  notEvents: number;
  notEventExamples: PositionedProblem[];
  malformed: number;
  malformedExamples: PositionedProblem[];
  levelsBefore: Record<Level, number>;
  levelsAfter: Record<Level, number>;
  transitions: Record<Level, Record<Level, number>>;
  /** Requests per rule of the policy, then the default's; likewise for the baseline (null without one). */
  afterRules: number[];
  beforeRules: number[] | null;
  changedRequests: number;
  untrackedChangedRequests: number;
  /** Keyed by class and transition, in the order the classes first appeared. */
  classes: Map<string, ClassTally>;
  volumeBefore: VolumeTally;
  volumeAfter: VolumeTally;
  bodySamples: BodySizeSamples;
  reusedAuditIDs: number;
  /** Requests a full window pushed out, counted by windows no longer in use (a worker's). */
  evicted: number;
}

const emptyLevelCounts = (): Record<Level, number> => ({ None: 0, Metadata: 0, Request: 0, RequestResponse: 0 });

export function newTallyCounts(afterRules: number, beforeRules: number | null): TallyCounts {
  return {
    lines: 0,
    blankLines: 0,
    events: 0,
    requests: 0,
    notEvents: 0,
    notEventExamples: [],
    malformed: 0,
    malformedExamples: [],
    levelsBefore: emptyLevelCounts(),
    levelsAfter: emptyLevelCounts(),
    transitions: Object.fromEntries(LEVELS.map((level) => [level, emptyLevelCounts()])) as Record<Level, Record<Level, number>>,
    afterRules: new Array<number>(afterRules).fill(0),
    beforeRules: beforeRules === null ? null : new Array<number>(beforeRules).fill(0),
    changedRequests: 0,
    untrackedChangedRequests: 0,
    classes: new Map(),
    volumeBefore: new VolumeTally(),
    volumeAfter: new VolumeTally(),
    bodySamples: new BodySizeSamples(),
    reusedAuditIDs: 0,
    evicted: 0,
  };
}

/** The report's form of positioned items: the position left out. */
export function withoutPositions<T extends { pos: number }>(items: readonly T[]): Omit<T, 'pos'>[] {
  return items.map(({ pos: _pos, ...item }) => item);
}
