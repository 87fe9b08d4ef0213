// One long-lived oracle process, spoken to in JSON lines. Answers come back in
// request order, so pending calls are a FIFO; many calls may be in flight at
// once, which is how the runner streams whole batches through one process.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { KubeVersion } from '../../src/audit/kubeVersions.js';
import type { RequestAttributes } from '../../src/request/types.js';
import { ensureOracle } from './build.js';
import type {
  OracleCaseAnswer,
  OracleDecision,
  OracleHttpRequest,
  OracleLoadAnswer,
  OracleResolved,
  PolicySource,
} from './protocol.js';

interface Pending {
  resolve: (answer: Record<string, unknown>) => void;
  reject: (err: Error) => void;
}

/** A policy the oracle did not load, where eval/resolve expected one. */
export class OraclePolicyRejected extends Error {
  constructor(readonly answer: Extract<OracleLoadAnswer, { ok: false }>) {
    super(`oracle rejected the policy: ${answer.error}`);
  }
}

export class Oracle {
  private readonly pending: Pending[] = [];
  private stderr = '';
  private exited: Error | null = null;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
    lines.on('line', (line) => this.answer(line));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-8192);
    });
    child.on('exit', (code, signal) => {
      this.exited = new Error(
        `oracle exited (${signal ?? `code ${code}`})${this.stderr ? `: ${this.stderr.trim()}` : ''}`,
      );
      for (const p of this.pending.splice(0)) p.reject(this.exited);
    });
    child.stdin.on('error', () => {
      /* reported through 'exit' */
    });
  }

  /** Starts an oracle, building it first if the cache has none for these sources. */
  static async start(options: { binary?: string; kubeVersion?: KubeVersion; onBuild?: (binary: string) => void } = {}): Promise<Oracle> {
    const binary = options.binary ?? (await ensureOracle({ kubeVersion: options.kubeVersion, onBuild: options.onBuild }));
    const child = spawn(binary, [], { stdio: ['pipe', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    return new Oracle(child);
  }

  private answer(line: string): void {
    const next = this.pending.shift();
    if (!next) return;
    try {
      next.resolve(JSON.parse(line) as Record<string, unknown>);
    } catch (err) {
      next.reject(new Error(`oracle sent a line that is not JSON: ${line.slice(0, 200)}`));
    }
  }

  /** Sends one protocol message; resolves with the raw answer. */
  call(message: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (this.exited) return Promise.reject(this.exited);
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.child.stdin.write(`${JSON.stringify(message)}\n`);
    });
  }

  private async checked(message: Record<string, unknown>): Promise<Record<string, unknown>> {
    const answer = await this.call(message);
    if (answer.ok === false && typeof answer.error === 'string' && answer.error.startsWith('oracle: ')) {
      throw new Error(answer.error);
    }
    return answer;
  }

  async load(policy: string, keep?: string): Promise<OracleLoadAnswer> {
    return (await this.checked({ op: 'load', policy, ...(keep ? { keep } : {}) })) as unknown as OracleLoadAnswer;
  }

  async drop(policyRef: string): Promise<void> {
    await this.checked({ op: 'drop', policyRef });
  }

  async eval(source: PolicySource, requests: readonly RequestAttributes[]): Promise<OracleDecision[]> {
    const answer = await this.checked({ op: 'eval', ...source, requests });
    if (answer.ok !== true) throw new OraclePolicyRejected(answer as unknown as Extract<OracleLoadAnswer, { ok: false }>);
    return answer.results as OracleDecision[];
  }

  /** Resolves HTTP requests; with a policy, each resolvable one also gets a decision. */
  async resolve(requests: readonly OracleHttpRequest[], source?: PolicySource): Promise<OracleResolved[]> {
    const answer = await this.checked({ op: 'resolve', ...(source ?? {}), requests });
    if (answer.ok !== true) throw new OraclePolicyRejected(answer as unknown as Extract<OracleLoadAnswer, { ok: false }>);
    return answer.results as OracleResolved[];
  }

  /** One conformance case in one line: load, resolve (and decide) each HTTP request, decide each attributes request. */
  async conformanceCase(
    policy: string,
    http: readonly OracleHttpRequest[],
    attributes: readonly RequestAttributes[],
  ): Promise<OracleCaseAnswer> {
    const answer = await this.checked({ op: 'case', policy, http, attributes });
    return answer as unknown as OracleCaseAnswer;
  }

  /** Upstream's time for evaluating `requests` `iterations` times, decoding excluded. */
  async bench(
    source: PolicySource,
    requests: readonly RequestAttributes[],
    iterations: number,
  ): Promise<{ elapsedNs: number; evaluations: number }> {
    const answer = await this.checked({ op: 'bench', ...source, requests, iterations });
    if (answer.ok !== true) throw new OraclePolicyRejected(answer as unknown as Extract<OracleLoadAnswer, { ok: false }>);
    return { elapsedNs: answer.elapsedNs as number, evaluations: answer.evaluations as number };
  }

  /** Closes stdin and waits for the process to end. */
  async close(): Promise<void> {
    if (this.exited) return;
    const done = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin.end();
    await done;
  }
}
