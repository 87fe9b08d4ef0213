// `auditspec replay` throughput next to the least any reader of the same log
// must do: split it into lines and JSON.parse each one (the baseline of
// bench/replay.bench.ts). Both read the same synthetic log from disk with the
// same line reader, on the two logs bench/replay.bench.ts uses: every stage of
// every request (replay reads later events of a request without a full parse),
// and only each request's last event (every line parsed: the least favourable
// case). The sides alternate after a warm-up pass of each, and the ratio is
// taken per pair of runs. Then `--jobs 2` against `--jobs 1` on the first log,
// in the same way (the workers run the build: npm run build).
//
// Both sides run the build (dist/, which `npm run bench` makes first, so it is
// never stale), as the `auditspec replay` command runs it, rather than the
// sources under the bench's own Vite module runner, where every read of an
// imported binding is a getter call (measured side by side on these logs, the
// two differed by less than the noise, in either direction). Without a build
// the sources run, and the result says so.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { readPolicy } from '../src/audit/policy/reader.js';
import type { Policy } from '../src/audit/types.js';
import * as sourceLines from '../src/replay/lines.js';
import * as sourceReplay from '../src/replay/replay.js';
import { measured, type Measured } from './stats.js';
import { writeSyntheticAuditLog } from './syntheticLog.js';

export interface ReplayBenchOptions {
  /** Requests in the synthetic log (each two or three events). */
  requests: number;
  /** Timed runs of each side after one warm-up run of each. */
  rounds: number;
  log?: (line: string) => void;
}

export interface ReplayLogResult {
  events: number;
  bytes: number;
  /** MB/s (10^6 bytes) of each side, and replay ÷ baseline per pair of runs. */
  baseline: Measured;
  replay: Measured;
  ratio: Measured;
}

/** `replay --jobs 2` against `--jobs 1` on the log with every stage. */
export interface ReplayParallelResult {
  jobs: number;
  /** Wall-clock ms of each side, and jobs-1 time ÷ jobs-N time per pair of runs. */
  single: Measured;
  parallel: Measured;
  speedup: Measured;
  /** 1-minute load average before and after: how much of the two cores was ours. */
  loadAverage: { before: number; after: number };
}

/** What the replay rows ran: the build, as the CLI runs it, or the sources through Vite. */
export type ReplayCode = 'dist' | 'src';

interface ReplayModules {
  code: ReplayCode;
  readLines: typeof sourceLines.readLines;
  replayAuditLogs: typeof sourceReplay.replayAuditLogs;
}

async function replayModules(): Promise<ReplayModules> {
  const built = (path: string) => new URL(`../dist/${path}`, import.meta.url);
  if (!existsSync(fileURLToPath(built('replay/replay.js'))) || !existsSync(fileURLToPath(built('replay/lines.js')))) {
    return { code: 'src', readLines: sourceLines.readLines, replayAuditLogs: sourceReplay.replayAuditLogs };
  }
  // Imported by URL at run time: Vite leaves a dynamic import it cannot analyse to Node.
  const load = (path: string) => import(/* @vite-ignore */ built(path).href);
  const [lines, replay] = (await Promise.all([load('replay/lines.js'), load('replay/replay.js')])) as [typeof sourceLines, typeof sourceReplay];
  return { code: 'dist', readLines: lines.readLines, replayAuditLogs: replay.replayAuditLogs };
}

export interface ReplayBenchResult {
  code: ReplayCode;
  allStages: ReplayLogResult;
  lastStageOnly: ReplayLogResult;
  /** A reason instead when the worker's build is missing (npm run build). */
  parallel: ReplayParallelResult | { skipped: string };
}

// A typical production policy (the rules bench/replay.bench.ts replays with):
// drop node and health noise, bodies for writes to apps, Metadata else.
const TYPICAL_POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
omitManagedFields: true
rules:
- level: None
  userGroups: [system:nodes]
  verbs: [get, list, watch]
- level: None
  nonResourceURLs: [/healthz*, /readyz*, /livez*]
- level: Metadata
  resources:
  - group: ""
    resources: [secrets, configmaps]
- level: RequestResponse
  verbs: [create, update, patch, delete]
  resources:
  - group: apps
- level: Request
  verbs: [create, update, patch, delete]
- level: Metadata
`;

export function typicalPolicy(): Policy {
  const read = readPolicy(TYPICAL_POLICY, { file: 'bench-policy.yaml' });
  if (!read.ok) throw read.error;
  return read.policy;
}

/** `rounds` pairs of runs of a and b, A B, B A, …: the page cache and the JIT favour neither side. */
async function alternatingPairs(
  rounds: number,
  a: () => Promise<number>,
  b: () => Promise<number>,
  onPair: (a: number, b: number, round: number) => void,
): Promise<[number[], number[]]> {
  const as: number[] = [];
  const bs: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let x: number;
    let y: number;
    if (round % 2 === 0) {
      x = await a();
      y = await b();
    } else {
      y = await b();
      x = await a();
    }
    as.push(x);
    bs.push(y);
    onPair(x, y, round);
  }
  return [as, bs];
}

/** Both sides on one log: warm-up, then `rounds` pairs in alternating order. */
async function measureLog(
  { readLines, replayAuditLogs }: ReplayModules,
  file: string,
  written: { events: number; bytes: number },
  policy: Policy,
  rounds: number,
  log: (line: string) => void,
): Promise<ReplayLogResult> {
  const mb = written.bytes / 1e6;
  const baselineRun = async () => {
    const start = performance.now();
    await readLines(file, (text) => void JSON.parse(text));
    return mb / ((performance.now() - start) / 1000);
  };
  const replayRun = async () => {
    const start = performance.now();
    const report = await replayAuditLogs([file], { policy });
    const rate = mb / ((performance.now() - start) / 1000);
    if (report.input.events !== written.events) {
      throw new Error(`replay read ${report.input.events} events of ${written.events}`);
    }
    return rate;
  };
  await baselineRun();
  await replayRun();
  const [baseline, replay] = await alternatingPairs(rounds, baselineRun, replayRun, (b, r, round) =>
    log(`replay round ${round + 1}/${rounds}: ${r.toFixed(1)} MB/s vs ${b.toFixed(1)} MB/s`),
  );
  const ratios = replay.map((r, i) => r / baseline[i]);
  return { events: written.events, bytes: written.bytes, baseline: measured(baseline), replay: measured(replay), ratio: measured(ratios) };
}

/** Both sides alternating after a warm-up of each (which also starts the workers and warms their code). */
async function measureParallel({ replayAuditLogs }: ReplayModules, file: string, policy: Policy, jobs: number, rounds: number, log: (line: string) => void): Promise<ReplayParallelResult> {
  const run = async (n: number) => {
    const start = performance.now();
    await replayAuditLogs([file], { policy, jobs: n });
    return performance.now() - start;
  };
  await run(1);
  await run(jobs);
  const before = loadavg()[0];
  const [single, parallel] = await alternatingPairs(
    rounds,
    () => run(1),
    () => run(jobs),
    (s, p, round) => log(`replay --jobs round ${round + 1}/${rounds}: ${s.toFixed(0)} ms vs ${p.toFixed(0)} ms with ${jobs} jobs`),
  );
  const speedup = single.map((s, i) => s / parallel[i]);
  return { jobs, single: measured(single), parallel: measured(parallel), speedup: measured(speedup), loadAverage: { before, after: loadavg()[0] } };
}

export async function measureReplay(options: ReplayBenchOptions): Promise<ReplayBenchResult> {
  const log = options.log ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), 'auditspec-bench-'));
  try {
    const modules = await replayModules();
    log(`replay: running ${modules.code === 'dist' ? 'the build (dist/), as the CLI does' : 'the sources through Vite (no build: npm run build)'}`);
    const policy = typicalPolicy();
    const allStagesFile = join(dir, 'all-stages.log');
    const lastStageOnlyFile = join(dir, 'last-stage-only.log');
    const allStages = await writeSyntheticAuditLog(allStagesFile, options.requests);
    const lastStageOnly = await writeSyntheticAuditLog(lastStageOnlyFile, options.requests, { lastStageOnly: true });
    log('replay: log with every stage');
    const all = await measureLog(modules, allStagesFile, allStages, policy, options.rounds, log);
    log('replay: log with last stages only');
    const last = await measureLog(modules, lastStageOnlyFile, lastStageOnly, policy, options.rounds, log);
    log('replay: --jobs 2 against --jobs 1, log with every stage');
    const parallel = existsSync(fileURLToPath(new URL('../dist/replay/jobs/worker.js', import.meta.url)))
      ? await measureParallel(modules, allStagesFile, policy, 2, options.rounds, log)
      : { skipped: 'no build of the worker (npm run build)' };
    return { code: modules.code, allStages: all, lastStageOnly: last, parallel };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
