// How many first lines of a range the next `--jobs` worker hands back (see
// rangeDeferral.ts), learned from the log as its ranges are joined. Those
// lines are there to catch the requests straddling a range's start: events of
// a request an earlier range began. How far into a range they reach is
// measured when a range is joined (reachOf: the furthest handed-back line that
// continued a request carried in). A log whose requests' events lie close
// together (or one with a single event per request, recorded under
// omitStages: [RequestReceived], where nothing is ever carried) needs far
// fewer than HAND_BACK_LINES; every line handed back is parsed twice, on the
// worker and again on the main thread, which then competes with the workers
// for the cores. Handing back too few never changes the report: a straddler
// past them is caught by the worker's filter (firstSeen) and the range counted
// again on the main thread, whole — costly, so after that the default applies
// again for the rest of the replay.
import { HAND_BACK_LINES } from './rangeDeferral.js';
import type { DeferredLine } from './protocol.js';

/** The fewest handed back once learned, and the margin over the furthest straddler seen. */
export const MIN_HAND_BACK_LINES = 64;
/** Ranges joined by merging before their reach is trusted (one boundary may carry nothing by chance). */
const RANGES_TO_LEARN = 2;

/**
 * The ordinal (within the range) of the furthest line that continued a request
 * carried into the range: of each auditID open in `carried` before the range's
 * handed-back lines are counted, its first handed-back line. 0 when none did.
 */
export function reachOf(deferred: readonly DeferredLine[], carried: { has(auditID: string): boolean }): number {
  const seen = new Set<string>();
  let reach = 0;
  for (const line of deferred) {
    if (seen.has(line.auditID) || !carried.has(line.auditID)) continue;
    seen.add(line.auditID);
    reach = line.ordinal;
  }
  return reach;
}

export class HandBackReach {
  private furthest = 0;
  private learnedFrom = 0;
  private reset = false;

  /** `fixed`: a number of lines given by the caller (ReplayOptions.jobHandBackLines), never learned. */
  constructor(private readonly fixed: number | undefined) {}

  /** For the next range sent to a worker. */
  lines(): number {
    if (this.fixed !== undefined) return this.fixed;
    if (this.reset || this.learnedFrom < RANGES_TO_LEARN) return HAND_BACK_LINES;
    return Math.min(HAND_BACK_LINES, MIN_HAND_BACK_LINES + 2 * this.furthest);
  }

  /** A range sent with `handBackLines` was merged; `reach` from reachOf. */
  merged(reach: number): void {
    this.furthest = Math.max(this.furthest, reach);
    this.learnedFrom++;
  }

  /** A range sent with `handBackLines` was counted again: perhaps a straddler lay past them. */
  countedAgain(handBackLines: number): void {
    if (handBackLines < HAND_BACK_LINES) this.reset = true;
  }
}
