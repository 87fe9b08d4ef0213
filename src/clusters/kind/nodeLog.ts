// kube-apiserver's audit log on a kind node, read incrementally. The log
// directory is mounted to a host directory, so the file is normally read right
// there; kube-apiserver (root in the node) creates it 0600, so when this user
// may not read it the same bytes are fetched with `docker exec <node> tail -c`.
// The log is never rotated (--audit-log-maxsize=0), so byte offsets hold.
import { access, constants } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { EventLineParser, RotatingLogTail } from '../common/auditLogTail.js';
import { type AuditEvent, ClusterError } from '../types.js';
import { type CommandResult, runCommand, tail } from './commands.js';

export interface AuditLogReader {
  readonly description: string;
  readNew(): Promise<AuditEvent[]>;
  close(): Promise<void>;
}

type Run = (command: string, args: readonly string[]) => Promise<CommandResult>;

/** The node's log through `docker exec`: only the bytes after the last read. */
export class NodeFileTail implements AuditLogReader {
  private offset = 0;
  private partial = '';
  private readonly decoder = new StringDecoder('utf8');
  private readonly parser = new EventLineParser();
  private discardFirstLine = false;
  private started = false;

  constructor(
    readonly node: string,
    readonly path: string,
    private readonly startAtEnd: boolean,
    private readonly run: Run = (c, a) => runCommand(c, a, { timeoutMs: 60_000 }),
  ) {}

  get description(): string {
    return `${this.path} in ${this.node} (docker exec)`;
  }

  private async exec(script: string, ...args: string[]): Promise<CommandResult> {
    return this.run('docker', ['exec', this.node, 'sh', '-c', script, 'sh', ...args]);
  }

  async readNew(): Promise<AuditEvent[]> {
    if (!this.started) {
      this.started = true;
      if (this.startAtEnd) {
        const size = await this.exec('if [ -f "$1" ]; then wc -c < "$1"; else echo 0; fi', this.path);
        if (size.code !== 0) throw new ClusterError(`cannot read ${this.description}`, tail(size.stderr));
        this.offset = Number(size.stdout.trim()) || 0;
        this.discardFirstLine = this.offset > 0;
        if (this.discardFirstLine) {
          // Only a line still being written needs skipping.
          const last = await this.exec('tail -c 1 "$1"', this.path);
          this.discardFirstLine = last.stdoutBytes.length === 1 && last.stdoutBytes[0] !== 0x0a;
        }
      }
    }
    // tail -c +N starts at byte N (1-based); a missing file is "nothing yet".
    const result = await this.exec('[ -f "$1" ] || exit 0; tail -c "+$2" "$1"', this.path, String(this.offset + 1));
    if (result.code !== 0) throw new ClusterError(`cannot read ${this.description}`, tail(result.stderr));
    if (result.stdoutBytes.length === 0) return [];
    this.offset += result.stdoutBytes.length;
    const lines = (this.partial + this.decoder.write(result.stdoutBytes)).split('\n');
    this.partial = lines.pop() ?? '';
    if (this.discardFirstLine && lines.length > 0) {
      lines.shift();
      this.discardFirstLine = false;
    }
    return this.parser.parse(lines);
  }

  async close(): Promise<void> {}
}

/** The host file when this user may read it, otherwise the node's through docker exec. */
export async function openAuditLog(hostFile: string, node: string, nodeFile: string, startAtEnd: boolean): Promise<AuditLogReader> {
  const readable = await access(hostFile, constants.R_OK).then(
    () => true,
    () => false,
  );
  if (readable) {
    const host = new RotatingLogTail(hostFile, startAtEnd);
    return { description: `${hostFile} (mounted from ${node})`, readNew: () => host.readNew(), close: () => host.close() };
  }
  return new NodeFileTail(node, nodeFile, startAtEnd);
}
