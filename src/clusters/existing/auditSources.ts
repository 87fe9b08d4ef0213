// Where the events of a cluster auditspec did not start come from
// (--audit-log <path | command:… | webhook>):
//
// - a path: kube-apiserver's JSON audit log as this machine sees it (a mount,
//   a synced copy, kube-apiserver running here). Read incrementally; when
//   kube-apiserver rotates it (--audit-log-maxsize), the rest of the old file is
//   read before the new one.
// - command:<shell command>: a command printing JSON event lines, ideally one that
//   follows the log (`ssh cp-1 sudo tail -F -n 0 /var/log/kube-apiserver/audit.log`,
//   `kubectl logs -f …` with --audit-log-path=-). A command that prints and exits
//   (`ssh cp-1 sudo cat …`) is run again on each read; events already seen
//   (auditID + stage) are dropped either way.
// - webhook: events POSTed by kube-apiserver's webhook backend to auditspec's
//   receiver (webhook/receiver.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { EventLineParser, RotatingLogTail } from '../common/auditLogTail.js';
import { ClusterError, type AuditEvent } from '../types.js';
import type { AuditWebhookReceiver } from './webhook/receiver.js';

export type AuditLogSpec = { kind: 'webhook' } | { kind: 'command'; command: string } | { kind: 'file'; path: string };

/** Reads --audit-log's value. */
export function parseAuditLogSpec(value: string): AuditLogSpec {
  const trimmed = value.trim();
  if (trimmed === '') throw new Error('--audit-log is empty: give a path, command:<shell command> or webhook');
  if (trimmed === 'webhook') return { kind: 'webhook' };
  const command = /^(?:command|cmd):(.*)$/s.exec(trimmed);
  if (command) {
    if (command[1].trim() === '') throw new Error('--audit-log command: names no command');
    return { kind: 'command', command: command[1].trim() };
  }
  const file = /^file:(.*)$/s.exec(trimmed);
  return { kind: 'file', path: file ? file[1] : trimmed };
}

export { RotatingLogTail };

export interface AuditEventSource {
  readonly description: string;
  /** Events that arrived since the previous call, in order. */
  readNew(): Promise<AuditEvent[]>;
  /** Likely reasons, in this source's terms, when no event arrives. */
  silenceHints(): string[];
  close(): Promise<void>;
}

const RERUN_INTERVAL_MS = 500;
const STDERR_LINES = 20;

/** Events printed by a shell command; see the top of this file. */
export class CommandSource implements AuditEventSource {
  private child: ChildProcess | undefined;
  private running = false;
  private lastStart = 0;
  private exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private runs = 0;
  private buffered: AuditEvent[] = [];
  private partial = '';
  private readonly seen = new Set<string>();
  private readonly stderr: string[] = [];
  private readonly parser = new EventLineParser();
  private closed = false;

  constructor(
    readonly command: string,
    private readonly shell = '/bin/sh',
  ) {}

  get description(): string {
    return `audit log command \`${this.command}\``;
  }

  private start(): void {
    this.runs++;
    this.lastStart = Date.now();
    this.exit = undefined;
    this.partial = '';
    // Its own process group, so that stopping it also stops what the shell started (tail, ssh).
    const child = spawn(this.shell, ['-c', this.command], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.child = child;
    this.running = true;
    const decoder = new StringDecoder('utf8');
    child.stdout!.on('data', (chunk: Buffer) => {
      const text = this.partial + decoder.write(chunk);
      const lines = text.split('\n');
      this.partial = lines.pop() ?? '';
      this.take(lines);
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        this.stderr.push(line);
        if (this.stderr.length > STDERR_LINES) this.stderr.shift();
      }
    });
    child.on('error', (err) => {
      this.stderr.push(String(err.message));
    });
    child.on('close', (code, signal) => {
      if (this.partial.trim() !== '') this.take([this.partial]);
      this.partial = '';
      this.running = false;
      this.exit = { code, signal };
    });
  }

  private take(lines: string[]): void {
    for (const event of this.parser.parse(lines)) {
      const key = `${event.auditID}\u0000${event.stage}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      this.buffered.push(event);
    }
  }

  async readNew(): Promise<AuditEvent[]> {
    if (this.closed) return [];
    if (!this.child) this.start();
    else if (!this.running) {
      const failed = this.exit && (this.exit.code !== 0 || this.exit.signal !== null);
      if (failed) {
        throw new ClusterError(
          `${this.description} ${this.exit!.signal ? `was killed by ${this.exit!.signal}` : `exited with code ${this.exit!.code}`}`,
          this.stderr,
        );
      }
      // It printed the log and ended: run it again for what was appended since.
      if (Date.now() - this.lastStart >= RERUN_INTERVAL_MS) this.start();
    }
    const out = this.buffered;
    this.buffered = [];
    return out;
  }

  silenceHints(): string[] {
    const hints = [...this.parser.hints()];
    if (this.runs > 0 && this.parser.parsed === 0 && this.parser.skipped === 0) {
      hints.push(`${this.description} printed nothing${this.stderr.length > 0 ? `; its last error output: ${this.stderr.slice(-3).join(' | ')}` : ''}`);
    }
    return hints;
  }

  async close(): Promise<void> {
    this.closed = true;
    const child = this.child;
    if (child && this.running && child.pid !== undefined) {
      const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
      const signalGroup = (signal: NodeJS.Signals) => {
        try {
          process.kill(-child.pid!, signal);
        } catch {
          // already gone
        }
      };
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
    }
  }
}

/** Events POSTed to auditspec's audit webhook receiver. */
export class WebhookSource implements AuditEventSource {
  constructor(
    readonly receiver: AuditWebhookReceiver,
    private readonly ownsReceiver = true,
  ) {}

  get description(): string {
    return `audit webhook receiver ${this.receiver.url}`;
  }

  async readNew(): Promise<AuditEvent[]> {
    return this.receiver.readNewEvents();
  }

  silenceHints(): string[] {
    const s = this.receiver.stats;
    const hints: string[] = [];
    if (s.tlsErrors > 0) {
      hints.push(`${s.tlsErrors} TLS handshake(s) failed (${s.lastProblem ?? ''}): kube-apiserver does not trust the receiver's certificate; its --audit-webhook-config-file must carry the CA auditspec wrote`);
    }
    if (s.unauthorized > 0) {
      hints.push(`${s.unauthorized} POST(s) came without the expected bearer token: kube-apiserver's webhook kubeconfig is not the one auditspec wrote`);
    }
    if (s.batches === 0 && s.tlsErrors === 0 && s.unauthorized === 0) {
      hints.push(
        `kube-apiserver never connected to ${this.receiver.url}: is it started with --audit-webhook-config-file pointing there, and can it reach this address (firewall, NAT)? ` +
          'In batch mode it also waits up to --audit-webhook-batch-max-wait (30s by default) before sending.',
      );
    }
    return hints;
  }

  async close(): Promise<void> {
    if (this.ownsReceiver) await this.receiver.close();
  }
}
