// Joins one unit a `--jobs` worker counted to the main thread's tally, units
// in log order, so that the tally ends as a single thread reading the logs
// would leave it. The tally holds the requests earlier units left open (its
// window). The unit's handed-back lines are counted against them here, in
// order, as a single thread would count them (they are the only lines that may
// name those requests: see rangeDeferral.ts); then the worker's counts are
// added (mergeCounts.ts), and the requests the unit leaves open join the window
// in the order they were opened. How far into the unit the handed-back lines
// that continued a carried request lay is measured on the way (handBackReach.ts).
//
// That is only the single-threaded answer when the unit could not have told
// otherwise. When it could, the unit is read again and counted here line by
// line: slower, but exact — correctness first. The cases:
// - a request carried into the unit has an auditID the worker began a request
//   under (a reused ID across the boundary, or a carried request missing its
//   RequestReceived): a single thread would have joined or replaced it;
// - the window could have filled: carried requests plus the unit's peak (its
//   open requests and handed-back auditIDs) exceed its capacity, or the
//   worker's own window evicted; a single thread would have evicted other
//   requests (unless nothing was carried in nor handed back: then the worker
//   read the unit exactly as a single thread would);
// - the tracked changed classes could differ: the worker's table overflowed,
//   or the main table would fill up part way through the unit (which classes
//   get the last slots depends on the order of lines the two sides split);
// - a handed-back line whose parse names another auditID than its head while
//   that one was open in the worker.
import { readLineRange, readLines } from '../lines.js';
import type { ReplayTally } from '../tally.js';
import { mayHaveAuditID } from './auditIDFilter.js';
import { decodeCarried } from './carriedRequests.js';
import { reachOf } from './handBackReach.js';
import { mergeCounts } from './mergeCounts.js';
import { positionIn, type Unit, type UnitResult } from './protocol.js';

/** Merged; counted again here (the merge could differ); or counted here from the start (never sent to a worker: see parallelReplay.ts). */
export type UnitFolding = 'merged' | 'counted again' | 'counted here';

/** How a unit a worker counted was joined; when merged, how far into it requests carried in reached (handBackReach.ts). */
export type FoldedUnit = { folding: 'merged'; reach: number } | { folding: 'counted again' };

/** Whether merging the worker's counts gives exactly what a single thread counts (see the list above). */
function mergeIsExact(tally: ReplayTally, result: UnitResult): boolean {
  if (result.ambiguous) return false;
  const window = tally.window;
  const carriedIn = window.size;
  if (carriedIn > 0 || result.deferred.length > 0) {
    if (result.counts.evicted > 0 || carriedIn + result.peak > window.capacity) return false;
    if (carriedIn > 0) {
      for (const [auditID] of window.entries()) if (mayHaveAuditID(result.firstSeen, auditID)) return false;
    }
  }
  const { maxTrackedClasses } = tally.options;
  const tracked = tally.counts.classes.size;
  if (result.counts.untrackedChangedRequests > 0) return false;
  return tracked >= maxTrackedClasses || tracked + result.counts.classes.size + result.deferred.length <= maxTrackedClasses;
}

/** Counts the unit here, line by line, from the file; its lines and (uncompressed) bytes. */
export async function countUnitHere(tally: ReplayTally, unit: Unit, lineOffset: number): Promise<{ lines: number; bytes: number }> {
  let lines = 0;
  let total = 0;
  const onLine = (text: string, bytes: number) => {
    lines++;
    total += bytes;
    tally.onLine(unit.file, text, lineOffset + lines, bytes, positionIn(unit.index, lines));
  };
  if (unit.gzip) await readLines(unit.file, (text, _lineNumber, bytes) => onLine(text, bytes));
  else await readLineRange(unit.file, unit.start, unit.end, onLine);
  return { lines, bytes: total };
}

/** `lineOffset`: lines of the unit's file in the units before it. */
export async function foldUnit(tally: ReplayTally, unit: Unit, result: UnitResult, lineOffset: number): Promise<FoldedUnit> {
  if (!mergeIsExact(tally, result)) {
    await countUnitHere(tally, unit, lineOffset);
    return { folding: 'counted again' };
  }
  const base = positionIn(unit.index, 0);
  // Before the handed-back lines are counted, the window holds exactly the requests carried in.
  const reach = reachOf(result.deferred, tally.window);
  for (const line of result.deferred) tally.onLine(unit.file, line.text, lineOffset + line.ordinal, line.bytes, base + line.ordinal);
  mergeCounts(tally.counts, result.counts, tally.options, lineOffset);
  // The window again, oldest first: requests from earlier units, then this unit's (opened here or by the worker) in the order they were opened.
  const { after, before } = tally.factContext;
  const open = tally.window.takeAll();
  const earlier = open.filter(([, request]) => request.addedAt < base);
  const fromUnit = [...open.filter(([, request]) => request.addedAt >= base), ...result.open.map((carried) => decodeCarried(carried, after, before))];
  fromUnit.sort(([, a], [, b]) => a.addedAt - b.addedAt);
  for (const [auditID, request] of [...earlier, ...fromUnit]) tally.window.add(auditID, request);
  return { folding: 'merged', reach };
}
