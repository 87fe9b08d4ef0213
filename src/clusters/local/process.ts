// One child process of the control plane (etcd or kube-apiserver): its output is
// kept (the last lines go into every error), its exit is observed, and it runs
// in its own process group so a terminal's Ctrl-C reaches auditspec first, which
// then stops the children in order and removes their files.
import { type ChildProcess, spawn } from 'node:child_process';

const KEPT_LINES = 400;

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class SupervisedProcess {
  readonly pid: number;
  /** Settles when the process has exited (never rejects). */
  readonly exited: Promise<ExitStatus>;
  private status: ExitStatus | undefined;
  private readonly lines: string[] = [];
  private partial = '';
  private readonly child: ChildProcess;

  private constructor(
    readonly name: string,
    child: ChildProcess,
  ) {
    this.child = child;
    this.pid = child.pid!;
    const collect = (chunk: string) => {
      const parts = (this.partial + chunk).split('\n');
      this.partial = parts.pop() ?? '';
      for (const line of parts) this.keep(line);
    };
    child.stdout?.setEncoding('utf8').on('data', collect);
    child.stderr?.setEncoding('utf8').on('data', collect);
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.status = { code, signal };
        resolve(this.status);
      });
    });
  }

  /** Starts `bin`; rejects (with a clear message) when it cannot be executed at all. */
  static async start(name: string, bin: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<SupervisedProcess> {
    const child = spawn(bin, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (err: NodeJS.ErrnoException) => {
        reject(new Error(`cannot run ${name} (${bin}): ${err.code === 'ENOENT' ? 'no such file' : err.message}`));
      });
    });
    return new SupervisedProcess(name, child);
  }

  private keep(line: string): void {
    this.lines.push(line);
    if (this.lines.length > KEPT_LINES) this.lines.splice(0, this.lines.length - KEPT_LINES);
  }

  get running(): boolean {
    return this.status === undefined;
  }

  get exitStatus(): ExitStatus | undefined {
    return this.status;
  }

  /** The last `n` lines the process printed. */
  tail(n = 30): string[] {
    const all = this.partial ? [...this.lines, this.partial] : this.lines;
    return all.slice(-n);
  }

  /** Every kept line (for searching a message in what it printed). */
  output(): string[] {
    return this.partial ? [...this.lines, this.partial] : [...this.lines];
  }

  describeExit(): string {
    const s = this.status;
    if (!s) return `${this.name} is still running`;
    return s.signal ? `${this.name} was killed by ${s.signal}` : `${this.name} exited with code ${s.code}`;
  }

  /** Synchronous last resort (process exit, signals): kills the whole process group. */
  killNow(): void {
    if (!this.running) return;
    try {
      process.kill(-this.pid, 'SIGKILL');
    } catch {
      try {
        this.child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  async stop(graceMs = 5000): Promise<void> {
    if (!this.running) return;
    try {
      process.kill(-this.pid, graceMs > 0 ? 'SIGTERM' : 'SIGKILL');
    } catch {
      this.child.kill(graceMs > 0 ? 'SIGTERM' : 'SIGKILL');
    }
    if (graceMs > 0) {
      const timer = setTimeout(() => this.killNow(), graceMs);
      await this.exited;
      clearTimeout(timer);
    } else {
      await this.exited;
    }
  }
}
