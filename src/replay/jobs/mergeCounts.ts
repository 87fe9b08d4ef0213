// Adds the counts of a `--jobs` worker's range to the main thread's, so that the
// sum is what one tally reading the ranges in order would have counted.
// Counts add. What depends on the reading order is merged by log position:
// the first examples (of each class, of malformed and not-event lines) are the
// first by position among both sides; a class new to the main side takes a
// tracked slot in the order classes first appeared. The caller (foldRange.ts)
// only merges when that gives the single-threaded answer: the worker tracked
// every class of its range, and the main side either has room for all of them
// or none at all.
import type { TallyOptions } from '../tally.js';
import type { ClassTally, TallyCounts } from '../tallyCounts.js';

type MergeLimits = Pick<TallyOptions, 'examplesPerClass' | 'malformedExamples' | 'maxTrackedClasses'>;

/**
 * The first `limit` of two lists, by position. Both may hold lines of the same
 * range (the main thread's from the lines handed back to it), so neither side
 * is known to come first.
 */
function firstByPosition<T extends { pos: number }>(a: T[], b: T[], limit: number): T[] {
  if (b.length === 0) return a;
  return [...a, ...b].sort((x, y) => x.pos - y.pos).slice(0, limit);
}

function addLevels<K extends string>(into: Record<K, number>, from: Record<K, number>): void {
  for (const key of Object.keys(from) as K[]) into[key] += from[key];
}

/**
 * Adds `from` (a worker's counts of one range, structured-cloned) to `into`.
 * `lineOffset`: lines of the same file before the range, since a worker
 * numbers its examples' lines from the range's start.
 */
export function mergeCounts(into: TallyCounts, from: TallyCounts, limits: MergeLimits, lineOffset: number): void {
  for (const example of [...from.notEventExamples, ...from.malformedExamples]) example.line += lineOffset;
  into.lines += from.lines;
  into.blankLines += from.blankLines;
  into.events += from.events;
  into.requests += from.requests;
  into.notEvents += from.notEvents;
  into.notEventExamples = firstByPosition(into.notEventExamples, from.notEventExamples, limits.malformedExamples);
  into.malformed += from.malformed;
  into.malformedExamples = firstByPosition(into.malformedExamples, from.malformedExamples, limits.malformedExamples);
  addLevels(into.levelsBefore, from.levelsBefore);
  addLevels(into.levelsAfter, from.levelsAfter);
  for (const level of Object.keys(from.transitions) as (keyof TallyCounts['transitions'])[]) addLevels(into.transitions[level], from.transitions[level]);
  from.afterRules.forEach((n, i) => (into.afterRules[i] += n));
  if (into.beforeRules !== null && from.beforeRules !== null) {
    const beforeRules = into.beforeRules;
    from.beforeRules.forEach((n, i) => (beforeRules[i] += n));
  }
  into.changedRequests += from.changedRequests;
  into.untrackedChangedRequests += from.untrackedChangedRequests;
  mergeClasses(into, from, limits, lineOffset);
  into.volumeBefore.add(from.volumeBefore);
  into.volumeAfter.add(from.volumeAfter);
  into.bodySamples.add(from.bodySamples);
  into.reusedAuditIDs += from.reusedAuditIDs;
  into.evicted += from.evicted;
}

function mergeClasses(into: TallyCounts, from: TallyCounts, limits: MergeLimits, lineOffset: number): void {
  // New classes take the free slots in the order they first appeared, as they would have one line at a time.
  const incoming: [string, ClassTally][] = [...from.classes].sort(([, a], [, b]) => a.firstPos - b.firstPos);
  for (const [key, tally] of incoming) {
    for (const example of tally.examples) example.line += lineOffset;
    const mine = into.classes.get(key);
    if (mine !== undefined) {
      mine.requests += tally.requests;
      mine.examples = firstByPosition(mine.examples, tally.examples, limits.examplesPerClass);
      mine.firstPos = Math.min(mine.firstPos, tally.firstPos);
    } else if (into.classes.size < limits.maxTrackedClasses) {
      into.classes.set(key, tally);
    } else {
      into.untrackedChangedRequests += tally.requests;
    }
  }
}
