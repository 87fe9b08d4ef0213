import { describe, expect, test, vi } from 'vitest';
import { progressBar } from '../../src/replay/progress.js';

function stream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns: 80, write: (s: string) => (writes.push(s), true) } as unknown as NodeJS.WriteStream };
}
const progress = { file: 'a.log', fileIndex: 0, files: 2, readBytes: 512, totalBytes: 1024, events: 7 };

describe('progressBar', () => {
  test('draws nothing when stderr is not a terminal', () => {
    const s = stream(false);
    const bar = progressBar(s.stream);
    bar.update(progress);
    bar.done();
    expect(s.writes).toEqual([]);
  });

  test('on a terminal: one line redrawn in place, at most every 100 ms, cleared at the end', () => {
    vi.useFakeTimers();
    try {
      const s = stream(true);
      const bar = progressBar(s.stream);
      vi.setSystemTime(1_000);
      bar.update(progress);
      bar.update({ ...progress, readBytes: 600 });
      vi.setSystemTime(1_200);
      bar.update({ ...progress, readBytes: 1024, events: 9 });
      bar.done();
      expect(s.writes).toHaveLength(3);
      expect(s.writes[0]).toMatch(/^\r.* 50%  file 1\/2  512 B\/1\.0 KiB  7 events\u001b\[K$/);
      expect(s.writes[1]).toMatch(/100%.*9 events/);
      expect(s.writes[2]).toBe('\r\u001b[K');
      for (const w of s.writes) expect(w.replace(/\u001b\[K/, '').length).toBeLessThanOrEqual(80);
    } finally {
      vi.useRealTimers();
    }
  });
});
