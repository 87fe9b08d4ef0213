// Reads kube-apiserver's audit log (--audit-log-format=json: one Event per line)
// incrementally: each call reads only what was appended since the previous one,
// keeping an incomplete last line for the next call.
import { open, type FileHandle } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import type { AuditEvent } from '../types.js';

const CHUNK = 1 << 20;

export class AuditLogTail {
  private handle: FileHandle | undefined;
  private offset = 0;
  private partial = '';
  // A read can end inside a multi-byte character; the decoder keeps it for the next read.
  private readonly decoder = new StringDecoder('utf8');

  constructor(readonly path: string) {}

  /** Events appended since the last call; [] while the file does not exist yet. */
  async readNew(): Promise<AuditEvent[]> {
    if (!this.handle) {
      try {
        this.handle = await open(this.path, 'r');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw err;
      }
    }
    const buffer = Buffer.allocUnsafe(CHUNK);
    const chunks: Buffer[] = [];
    for (;;) {
      const { bytesRead } = await this.handle.read(buffer, 0, CHUNK, this.offset);
      if (bytesRead === 0) break;
      this.offset += bytesRead;
      chunks.push(Buffer.from(buffer.subarray(0, bytesRead)));
      if (bytesRead < CHUNK) break;
    }
    if (chunks.length === 0) return [];
    const text = this.partial + this.decoder.write(Buffer.concat(chunks));
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    const events: AuditEvent[] = [];
    for (const line of lines) {
      if (line.trim() === '') continue;
      try {
        events.push(JSON.parse(line) as AuditEvent);
      } catch {
        // Not an event line (kube-apiserver only writes events here); skip it.
      }
    }
    return events;
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
  }
}
