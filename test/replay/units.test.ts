import { describe, expect, test } from 'vitest';
import type { Unit } from '../../src/replay/jobs/protocol.js';
import { cutIntoUnits, type LogFile } from '../../src/replay/jobs/units.js';

const MiB = 1 << 20;

/** Each file's ranges, in order: they must meet and cover it. */
function expectCovering(files: LogFile[], units: Unit[]): void {
  units.forEach((unit, i) => expect(unit.index).toBe(i));
  files.forEach((file, fileIndex) => {
    const mine = units.filter((unit) => unit.fileIndex === fileIndex);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine[0].start).toBe(0);
    mine.forEach((unit, i) => {
      expect(unit.file).toBe(file.file);
      expect(unit.end).toBeGreaterThan(unit.start === 0 && file.size === 0 ? -1 : unit.start);
      if (i > 0) expect(unit.start).toBe(mine[i - 1].end);
    });
    expect(mine[mine.length - 1].end).toBe(file.size);
  });
}

describe('cutIntoUnits', () => {
  test('eight units per worker, and the last stretch (a unit per worker) four times finer', () => {
    const files = [{ file: 'a.log', size: 160 * MiB, gzip: false }];
    const units = cutIntoUnits(files, 2);
    expectCovering(files, units);
    const sizes = units.map((unit) => (unit.end - unit.start) / MiB);
    expect(sizes).toEqual([...Array(14).fill(10), ...Array(8).fill(2.5)]);
  });

  test('only the last file has the finer tail; a compressed file is one unit, an empty one too', () => {
    const files = [
      { file: 'a.log', size: 64 * MiB - 5, gzip: false },
      { file: 'b.log.gz', size: 5 * MiB, gzip: true },
      { file: 'empty.log', size: 0, gzip: false },
      { file: 'c.log', size: 64 * MiB + 5, gzip: false },
    ];
    const units = cutIntoUnits(files, 4);
    expectCovering(files, units);
    const of = (fileIndex: number) => units.filter((unit) => unit.fileIndex === fileIndex).map((unit) => unit.end - unit.start);
    // 128 MiB of plain files, 4 workers: units of 4 MiB.
    expect(of(0)).toEqual([...Array(15).fill(4 * MiB), 4 * MiB - 5]);
    expect(units.filter((unit) => unit.fileIndex === 1)).toMatchObject([{ start: 0, end: 5 * MiB, gzip: true }]);
    expect(units.filter((unit) => unit.fileIndex === 2)).toMatchObject([{ start: 0, end: 0 }]);
    // The last 16 MiB (and 5 bytes) of c.log in units of 1 MiB.
    const last = of(3);
    expect(last.filter((size) => size === 4 * MiB)).toHaveLength(12);
    expect(last.slice(12).every((size) => size <= MiB)).toBe(true);
  });

  test('small logs: units of at least 1 MiB (the tail 256 KiB); a log smaller than the tail is all tail', () => {
    const small = [{ file: 'a.log', size: 3 * MiB, gzip: false }];
    const units = cutIntoUnits(small, 2);
    expectCovering(small, units);
    expect(units.map((unit) => (unit.end - unit.start) / MiB)).toEqual([1, ...Array(8).fill(0.25)]);
    const tiny = [{ file: 'b.log', size: 100, gzip: false }];
    expect(cutIntoUnits(tiny, 2)).toMatchObject([{ start: 0, end: 100 }]);
  });

  test('a size given (tests): every range of that size, none finer', () => {
    const files = [{ file: 'a.log', size: 1000, gzip: false }];
    const units = cutIntoUnits(files, 2, 300);
    expectCovering(files, units);
    expect(units.map((unit) => unit.end - unit.start)).toEqual([300, 300, 300, 100]);
  });
});
