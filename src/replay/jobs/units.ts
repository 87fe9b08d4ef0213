// How `replay --jobs` cuts the logs into units, the shares the workers count
// one at a time: byte ranges of each uncompressed file (split at line
// boundaries by the workers: see lines.ts readLineRange), each compressed file
// whole. Units are handed out one at a time to whichever worker is free, so
// the work balances itself, except at the very end: one worker waits for the
// other's last unit, half a unit on average. Smaller units balance better but
// each costs a tally's setup, a result to join and its first lines handed back
// (rangeDeferral.ts); so the units are of one size, and only the last stretch
// of the logs is cut finer.
import type { Unit } from './protocol.js';

/**
 * Units of at most this many bytes, and at least UNITS_PER_WORKER per worker
 * where the logs allow.
 */
const UNITS_PER_WORKER = 8;
const MAX_UNIT_BYTES = 32 << 20;
const MIN_UNIT_BYTES = 1 << 20;
/** The last units' worth (one per worker) of the last file, if uncompressed, is cut this many times finer. */
const TAIL_SPLIT = 4;

export interface LogFile {
  file: string;
  size: number;
  gzip: boolean;
}

/** `fixedUnitBytes` (tests): every range of that size, none finer. */
export function cutIntoUnits(files: readonly LogFile[], jobs: number, fixedUnitBytes?: number): Unit[] {
  const plainBytes = files.reduce((sum, { size, gzip }) => sum + (gzip ? 0 : size), 0);
  const unitBytes = fixedUnitBytes ?? Math.min(MAX_UNIT_BYTES, Math.max(MIN_UNIT_BYTES, Math.ceil(plainBytes / (jobs * UNITS_PER_WORKER))));
  const tailBytes = Math.ceil(unitBytes / TAIL_SPLIT);
  const units: Unit[] = [];
  files.forEach(({ file, size, gzip }, fileIndex) => {
    if (gzip || size === 0) {
      units.push({ index: units.length, file, fileIndex, start: 0, end: size, gzip });
      return;
    }
    const tailFrom = fileIndex === files.length - 1 && fixedUnitBytes === undefined ? Math.max(0, size - jobs * unitBytes) : size;
    for (let start = 0; start < size; ) {
      const end = start < tailFrom ? Math.min(start + unitBytes, tailFrom) : Math.min(start + tailBytes, size);
      units.push({ index: units.length, file, fileIndex, start, end, gzip: false });
      start = end;
    }
  });
  return units;
}
