import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, test } from 'vitest';
import { LineSplitter, readLines } from '../../src/replay/lines.js';

function collect(chunks: Buffer[]): { text: string; line: number; bytes: number }[] {
  const out: { text: string; line: number; bytes: number }[] = [];
  const splitter = new LineSplitter((text, line, bytes) => out.push({ text, line, bytes }));
  for (const chunk of chunks) splitter.push(chunk);
  splitter.end();
  return out;
}

describe('LineSplitter', () => {
  test('splits on \\n and \\r\\n, counting terminator bytes', () => {
    expect(collect([Buffer.from('a\r\nbb\n\nccc')])).toEqual([
      { text: 'a', line: 1, bytes: 3 },
      { text: 'bb', line: 2, bytes: 3 },
      { text: '', line: 3, bytes: 1 },
      { text: 'ccc', line: 4, bytes: 3 },
    ]);
  });

  test('joins lines split across chunks, including a multi-byte character cut in half', () => {
    const bytes = Buffer.from('{"a":"é"}\n{"b":2}\n', 'utf8');
    // Cut inside "é" (2 bytes in UTF-8) and inside the second line.
    const cutAt = bytes.indexOf(0xc3) + 1;
    const lines = collect([bytes.subarray(0, cutAt), bytes.subarray(cutAt, cutAt + 3), bytes.subarray(cutAt + 3)]);
    expect(lines.map((l) => l.text)).toEqual(['{"a":"é"}', '{"b":2}']);
    expect(lines.reduce((n, l) => n + l.bytes, 0)).toBe(bytes.length);
  });

  test('every byte boundary gives the same lines', () => {
    const text = 'one\ntwo\r\nthree\n\nfour';
    const whole = collect([Buffer.from(text)]);
    for (let cut = 0; cut <= text.length; cut++) {
      expect(collect([Buffer.from(text.slice(0, cut)), Buffer.from(text.slice(cut))])).toEqual(whole);
    }
  });
});

describe('readLines', () => {
  const dir = mkdtempSync(join(tmpdir(), 'auditspec-lines-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const content = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ i, pad: 'x'.repeat(i % 97) })).join('\n') + '\n';

  test('reads plain and gzip files alike, detecting gzip by content not name', async () => {
    const plain = join(dir, 'plain.log');
    const gz = join(dir, 'rotated.log.1'); // no .gz suffix on purpose
    writeFileSync(plain, content);
    writeFileSync(gz, gzipSync(Buffer.from(content)));
    const read = async (path: string) => {
      const lines: string[] = [];
      const result = await readLines(path, (text) => lines.push(text), { chunkSize: 4096 });
      return { lines, result };
    };
    const a = await read(plain);
    const b = await read(gz);
    expect(a.result).toEqual({ lines: 5000, bytes: Buffer.byteLength(content), gzip: false });
    expect(b.result).toEqual({ lines: 5000, bytes: Buffer.byteLength(content), gzip: true });
    expect(b.lines).toEqual(a.lines);
    expect(JSON.parse(a.lines[4999]).i).toBe(4999);
  });

  test('reports progress in bytes of the file on disk', async () => {
    const plain = join(dir, 'progress.log');
    writeFileSync(plain, content);
    const seen: number[] = [];
    await readLines(plain, () => {}, { chunkSize: 8192, onProgress: (p) => seen.push(p.readBytes / p.totalBytes) });
    expect(seen.length).toBeGreaterThan(1);
    expect(seen[seen.length - 1]).toBe(1);
  });
});
