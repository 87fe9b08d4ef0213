// The messages between `replay --jobs` and its workers.
import type { Policy } from '../../audit/types.js';
import type { TallyOptions } from '../tally.js';
import type { TallyCounts } from '../tallyCounts.js';
import type { CarriedRequest } from './carriedRequests.js';

/** A share of the logs: a byte range of an uncompressed file, or a whole compressed one. */
export interface Unit {
  index: number;
  file: string;
  /** Its place among the replay's files (a file may be given twice). */
  fileIndex: number;
  start: number;
  end: number;
  gzip: boolean;
}

export interface WorkerSetup {
  tally: Omit<TallyOptions, 'policy' | 'baseline' | 'attributeCache'> & { policy: Policy; baseline: Policy | undefined };
  /** How many first lines of a unit hand back first events (see RangeDeferral), until told otherwise. */
  handBackLines: number;
}

/** A line handed back uncounted (see rangeDeferral.ts). */
export interface DeferredLine {
  /** Its number within the unit, from 1. */
  ordinal: number;
  /** The auditID it was handed back under (its head's). */
  auditID: string;
  text: string;
  bytes: number;
}

/** What a worker counted of one unit, and what it left to the main thread. */
export interface UnitResult {
  unit: number;
  /** Lines and (uncompressed) bytes of the unit. */
  lines: number;
  bytes: number;
  /** Example lines are numbered from the unit's start; positions are unit × 2^32 + that number. */
  counts: TallyCounts;
  /** Requests open at the unit's end, oldest first. */
  open: CarriedRequest[];
  /** How many first lines it handed back first events in (the worker's value when it began the unit). */
  handBackLines: number;
  deferred: DeferredLine[];
  /** See RangeDeferral (an auditIDFilter.ts filter); its buffer is transferred, not copied. */
  firstSeen: Uint32Array<ArrayBuffer>;
  peak: number;
  ambiguous: boolean;
}

export type ToWorker =
  | { type: 'setup'; setup: WorkerSetup }
  | { type: 'unit'; unit: Unit }
  /** From the next unit begun on: learned from the units joined so far (handBackReach.ts). */
  | { type: 'hand back'; lines: number };

export type FromWorker =
  | { type: 'result'; result: UnitResult }
  /** The worker stopped early: it was handing back most of the unit's lines (see parallelReplay.ts). */
  | { type: 'gave up'; unit: number }
  | { type: 'error'; unit: number; message: string };

/** A line's position in the log (see tallyCounts.ts) from its unit and its number within it: units are in log order. */
export function positionIn(unit: number, ordinal: number): number {
  return unit * 2 ** 32 + ordinal;
}
