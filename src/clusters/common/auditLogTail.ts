// kube-apiserver's JSON audit log (--audit-log-format=json: one Event per
// line), read incrementally: each call returns only what was appended since
// the previous one, keeping an incomplete last line (even one cut inside a
// UTF-8 character) for the next call. It survives rotation (rename + new file)
// and truncation, so one reader serves every backend that can see the file:
// local and containers (their run directory), kind (the mounted log
// directory) and existing (--audit-log <path>).
import { open, stat, type FileHandle } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { type AuditEvent, ClusterError } from '../types.js';

/** Turns text lines into events; other lines (klog output, a non-JSON log format) are counted and skipped. */
export class EventLineParser {
  skipped = 0;
  parsed = 0;
  lastSkipped: string | undefined;

  parse(lines: readonly string[]): AuditEvent[] {
    const events: AuditEvent[] = [];
    for (const line of lines) {
      const text = line.trim();
      if (text === '') continue;
      let value: unknown;
      try {
        value = text.startsWith('{') ? JSON.parse(text) : undefined;
      } catch {
        value = undefined;
      }
      const event = value as AuditEvent | undefined;
      if (event && typeof event.auditID === 'string' && typeof event.stage === 'string') {
        events.push(event);
        this.parsed++;
      } else {
        this.skipped++;
        this.lastSkipped = text.slice(0, 200);
      }
    }
    return events;
  }

  hints(): string[] {
    if (this.skipped > 0 && this.parsed === 0) {
      return [
        `${this.skipped} line(s) were read but none is a JSON audit event (e.g. "${this.lastSkipped}"): is kube-apiserver running with --audit-log-format=json (the default)?`,
      ];
    }
    return [];
  }
}

const CHUNK = 1 << 20;

/** Incremental reader of a JSON-lines file that survives rotation (rename + new file). */
export class RotatingLogTail {
  private handle: FileHandle | undefined;
  private inode = 0;
  private offset = 0;
  private partial = '';
  private decoder = new StringDecoder('utf8');
  private readonly parser = new EventLineParser();
  private everExisted = false;
  private opened = 0;
  /** Skip the rest of a line that was being written when reading started at the end. */
  private discardFirstLine = false;

  /**
   * `startAtEnd`: ignore what the file holds when first opened (a staging
   * cluster's log is large and its past is not this run's business); a file
   * created or rotated in later is read from its start.
   */
  constructor(
    readonly path: string,
    private readonly startAtEnd = false,
  ) {}

  get description(): string {
    return `audit log file ${this.path}`;
  }

  async readNew(): Promise<AuditEvent[]> {
    const lines: string[] = [];
    if (!this.handle && !(await this.openCurrent())) return [];
    lines.push(...(await this.drain()));
    // Rotated (or recreated) since opened: the old file is finished; continue with the new one.
    const now = await stat(this.path).catch(() => undefined);
    if (now && now.ino !== this.inode) {
      if (this.partial.trim() !== '') lines.push(this.partial);
      this.partial = '';
      await this.handle?.close();
      this.handle = undefined;
      if (await this.openCurrent()) lines.push(...(await this.drain()));
    } else if (now && now.size < this.offset) {
      // Truncated in place (copytruncate): start over.
      this.offset = 0;
      this.partial = '';
      this.decoder = new StringDecoder('utf8');
      lines.push(...(await this.drain()));
    }
    return this.parser.parse(lines);
  }

  private async openCurrent(): Promise<boolean> {
    try {
      this.handle = await open(this.path, 'r');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return false;
      if (code === 'EACCES') {
        throw new ClusterError(`cannot read the audit log ${this.path}: permission denied (kube-apiserver creates it 0600; run auditspec as a user who may read it, or use command:sudo tail -F …)`);
      }
      throw err;
    }
    this.everExisted = true;
    const info = await this.handle.stat();
    this.inode = info.ino;
    this.offset = 0;
    this.partial = '';
    this.decoder = new StringDecoder('utf8');
    if (this.opened++ === 0 && this.startAtEnd && info.size > 0) {
      const last = Buffer.alloc(1);
      await this.handle.read(last, 0, 1, info.size - 1);
      this.offset = info.size;
      this.discardFirstLine = last[0] !== 0x0a;
    }
    return true;
  }

  private async drain(): Promise<string[]> {
    const handle = this.handle!;
    const buffer = Buffer.allocUnsafe(CHUNK);
    const chunks: Buffer[] = [];
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, this.offset);
      if (bytesRead === 0) break;
      this.offset += bytesRead;
      chunks.push(Buffer.from(buffer.subarray(0, bytesRead)));
    }
    if (chunks.length === 0) return [];
    const text = this.partial + this.decoder.write(Buffer.concat(chunks));
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    if (this.discardFirstLine && lines.length > 0) {
      lines.shift();
      this.discardFirstLine = false;
    }
    return lines;
  }

  silenceHints(): string[] {
    if (!this.everExisted) {
      return [`${this.path} does not exist: is it kube-apiserver's --audit-log-path, as seen from this machine?`];
    }
    return [
      ...this.parser.hints(),
      `nothing new was appended to ${this.path}: is it the log of the kube-apiserver the kubeconfig points at (with several control-plane nodes, each writes its own)?`,
    ];
  }

  async close(): Promise<void> {
    await this.handle?.close().catch(() => {});
    this.handle = undefined;
  }
}

