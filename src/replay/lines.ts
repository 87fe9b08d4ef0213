// Streams the lines of a (possibly gzip-compressed) log file in constant memory:
// only the current chunk and the unfinished tail of the previous one are held, so
// the largest thing kept is the longest single line. The callback is synchronous
// on purpose: a promise per line would cost more than parsing most audit events.
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * Receives one line without its line terminator. `bytes` is the line's size in the
 * uncompressed file, terminator included, so per-line sizes add up to the file size.
 */
export type LineHandler = (text: string, lineNumber: number, bytes: number) => void;

export interface LineReadProgress {
  /** Bytes of the file on disk read so far (compressed bytes for .gz). */
  readBytes: number;
  /** Size of the file on disk. */
  totalBytes: number;
}

export interface ReadLinesOptions {
  /** Called after every chunk read from disk. */
  onProgress?: (progress: LineReadProgress) => void;
  /** Bytes read from disk per chunk. */
  chunkSize?: number;
}

export interface ReadLinesResult {
  lines: number;
  /** Uncompressed bytes. */
  bytes: number;
  gzip: boolean;
}

/** Detects gzip by its magic number, not by the file name, so renamed rotations still work. */
export async function isGzipFile(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/** Calls `onLine` for every line of `path`, in order. A final line without a terminator counts. */
export async function readLines(path: string, onLine: LineHandler, options: ReadLinesOptions = {}): Promise<ReadLinesResult> {
  const gzip = await isGzipFile(path);
  const { size: totalBytes } = await stat(path);
  const raw = createReadStream(path, { highWaterMark: options.chunkSize ?? 1 << 20 });
  const source = gzip ? raw.pipe(createGunzip({ chunkSize: 1 << 18 })) : raw;
  if (gzip) raw.on('error', (err) => source.destroy(err));

  const splitter = new LineSplitter(onLine);
  for await (const chunk of source as AsyncIterable<Buffer>) {
    splitter.push(chunk);
    options.onProgress?.({ readBytes: raw.bytesRead, totalBytes });
  }
  splitter.end();
  return { lines: splitter.lineNumber, bytes: splitter.bytes, gzip };
}

/** Splits a byte stream into UTF-8 lines ("\n" or "\r\n"); exported for tests and the benchmark. */
export class LineSplitter {
  lineNumber = 0;
  bytes = 0;
  /** Bytes of an unfinished line carried over from earlier chunks. */
  private carry: Buffer[] = [];
  private carryBytes = 0;

  constructor(private readonly onLine: LineHandler) {}

  push(chunk: Buffer): void {
    this.bytes += chunk.length;
    let start = 0;
    let newline = chunk.indexOf(NEWLINE, 0);
    if (newline !== -1 && this.carryBytes > 0) {
      this.carry.push(chunk.subarray(0, newline));
      const joined = Buffer.concat(this.carry, this.carryBytes + newline);
      this.carry = [];
      this.carryBytes = 0;
      this.emit(joined, 0, joined.length);
      start = newline + 1;
      newline = chunk.indexOf(NEWLINE, start);
    }
    while (newline !== -1) {
      this.emit(chunk, start, newline);
      start = newline + 1;
      newline = chunk.indexOf(NEWLINE, start);
    }
    if (start < chunk.length) {
      // Copy: the stream may reuse the chunk's memory after we return.
      this.carry.push(Buffer.from(chunk.subarray(start)));
      this.carryBytes += chunk.length - start;
    }
  }

  /** Emits the last line when the input does not end with a newline. */
  end(): void {
    if (this.carryBytes === 0) return;
    const joined = Buffer.concat(this.carry, this.carryBytes);
    this.carry = [];
    this.carryBytes = 0;
    this.lineNumber++;
    const end = joined.length > 0 && joined[joined.length - 1] === CARRIAGE_RETURN ? joined.length - 1 : joined.length;
    this.onLine(joined.toString('utf8', 0, end), this.lineNumber, joined.length);
  }

  private emit(buf: Buffer, start: number, newline: number): void {
    this.lineNumber++;
    const end = newline > start && buf[newline - 1] === CARRIAGE_RETURN ? newline - 1 : newline;
    this.onLine(buf.toString('utf8', start, end), this.lineNumber, newline - start + 1);
  }
}

/**
 * Calls `onLine` for the lines of an uncompressed file that start in the byte
 * range [start, end), in order, with each line's offset in the file. The line
 * that starts before `start` and runs into the range belongs to the range
 * before; the last line may run past `end`. Ranges that meet thus share out a
 * file's lines, each line to exactly one.
 */
export async function readLineRange(
  path: string,
  start: number,
  end: number,
  onLine: (text: string, bytes: number, offset: number) => void,
  options: { onChunk?: () => Promise<void> | void; chunkSize?: number } = {},
): Promise<void> {
  // From the byte before the range: if it is a newline, a line starts right at `start`.
  const from = Math.max(0, start - 1);
  let offset = from;
  let skip = start > 0;
  let done = false;
  const splitter = new LineSplitter((text, _lineNumber, bytes) => {
    const at = offset;
    offset += bytes;
    if (skip) {
      skip = false;
      return;
    }
    if (done || at >= end) {
      done = true;
      return;
    }
    onLine(text, bytes, at);
  });
  const stream = createReadStream(path, { start: from, highWaterMark: options.chunkSize ?? 1 << 20 });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    splitter.push(chunk);
    if (done) break;
    await options.onChunk?.();
  }
  if (!done) splitter.end();
}
