// The messages between `replay --jobs` and its workers.
import type { Policy } from '../../audit/types.js';
import type { TallyOptions } from '../tally.js';

/** A share of the logs: a byte range of an uncompressed file, or a whole compressed one. */
export interface Unit {
  index: number;
  file: string;
  start: number;
  end: number;
  gzip: boolean;
}

export interface WorkerSetup {
  tally: Omit<TallyOptions, 'policy' | 'baseline'> & { policy: Policy; baseline: Policy | undefined };
}

export type ToWorker = { type: 'setup'; setup: WorkerSetup } | { type: 'unit'; unit: Unit } | { type: 'ack' };

export type FromWorker =
  /** `records`: JSON of LineRecord[]; `offset`: where the first of these lines starts in the file (uncompressed). */
  | { type: 'batch'; unit: number; records: string; offset: number }
  | { type: 'done'; unit: number }
  | { type: 'error'; unit: number; message: string };

/** Batches a worker may have sent that the main thread has not folded yet: bounds the memory they take. */
export const BATCHES_IN_FLIGHT = 64;
