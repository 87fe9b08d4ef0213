// `npm run bench [-- --json] [--quick] [--skip matcher,replay,e2e,containers] [--rounds N] [--corpus DIR]`
//
// Every benchmark of the issue in one run, on this machine, warm:
//   - matcher: auditspec's evaluatePolicy vs upstream's evaluator (go/oracle), corpus policies;
//   - replay: `auditspec replay` vs splitting lines + JSON.parse, on a log with every
//     stage and on one with last stages only;
//   - end to end on the local backend: cold start, policy switch, ms per request in a batch;
//   - the containers backend beside it: cold start and policy switch (skipped without Docker).
// Prints a table; with --json the last line of stdout is one JSON object
// (matcherVsGo, matcherVsGoMin, replayVsJsonParse, replayParallelSpeedup, coldStartSeconds, policySwitchSeconds,
// e2eMsPerRequest, containersColdStartSeconds, containersPolicySwitchSeconds,
// each a number or null when skipped, plus the details).
// Progress goes to stderr. Figures are medians of interleaved runs with their
// spread; targets are shown, never asserted (exit 1 only when something broke
// or the two matchers disagreed).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type ContainersTimingResult, measureContainers, measureEndToEnd, type EndToEndResult } from './endToEnd.js';
import { measureMatcher, type MatcherResult } from './matcher.js';
import { measureReplay, type ReplayBenchResult } from './replay.js';
import type { Measured } from './stats.js';

const USAGE = 'usage: npm run bench -- [--json] [--quick] [--skip matcher,replay,e2e,containers] [--rounds N] [--corpus DIR]';
const SECTIONS = ['matcher', 'replay', 'e2e', 'containers'] as const;
type Section = (typeof SECTIONS)[number];

/** The shared test data, beside the repository (see the README). */
export const DEFAULT_CORPUS = fileURLToPath(new URL('../../shared/corpus/', import.meta.url));

export interface BenchSummary {
  /** auditspec evaluations/s ÷ Go evaluations/s (median of per-round ratios). */
  matcherVsGo: number | null;
  /** The same ratio for the policy where auditspec fares worst (per-policy medians). */
  matcherVsGoMin: number | null;
  /** replay MB/s ÷ split + JSON.parse MB/s (median of per-pair ratios; the lower of the two logs). */
  replayVsJsonParse: number | null;
  /** replay --jobs 1 wall time ÷ --jobs 2 wall time on the log with every stage (median of per-pair ratios). */
  replayParallelSpeedup: number | null;
  coldStartSeconds: number | null;
  policySwitchSeconds: number | null;
  e2eMsPerRequest: number | null;
  containersColdStartSeconds: number | null;
  containersPolicySwitchSeconds: number | null;
}

export const TARGETS = {
  matcherVsGo: { atLeast: 1.0 },
  matcherVsGoMin: { atLeast: 1.0 },
  replayVsJsonParse: { atLeast: 1.0 },
  replayParallelSpeedup: { atLeast: 1.6 },
  coldStartSeconds: { atMost: 20 },
  policySwitchSeconds: { atMost: 0.5 },
  e2eMsPerRequest: { atMost: 50 },
  containersColdStartSeconds: { atMost: 20 },
  containersPolicySwitchSeconds: { atMost: 5 },
} as const;

export interface Machine {
  cores: number;
  cpu: string;
  node: string;
  go: string | null;
  /** 1-minute load average when the run started: how shared the machine was. */
  loadAverage: number;
}

function machine(): Machine {
  let cpu = cpus()[0]?.model ?? 'unknown';
  try {
    cpu = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpu;
  } catch {
    // not Linux: os.cpus() is as good
  }
  let go: string | null = null;
  try {
    go = execFileSync('go', ['version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    go = null;
  }
  return { cores: availableParallelism(), cpu, node: process.version, go, loadAverage: loadavg()[0] };
}

type Outcome<T> = { ok: T } | { skipped: string } | { failed: string };

async function attempt<T extends object>(fn: () => Promise<T | { skipped: string }>): Promise<Outcome<T>> {
  try {
    const value = await fn();
    if ('skipped' in value && typeof value.skipped === 'string') return { skipped: value.skipped };
    return { ok: value as T };
  } catch (err) {
    return { failed: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
}

const pct = (spread: number) => `±${(spread * 100).toFixed(0)}%`;
const si = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(1));
const withSpread = (m: Measured, format: (n: number) => string) => `${format(m.median)} ${pct(m.spread)}`;

function verdict(key: keyof typeof TARGETS, value: number | null): string {
  if (value === null) return '';
  const target = TARGETS[key];
  const met = 'atLeast' in target ? value >= target.atLeast : value <= target.atMost;
  return met ? 'met' : 'MISSED';
}

function targetText(key: keyof typeof TARGETS, unit = ''): string {
  const target = TARGETS[key];
  return 'atLeast' in target ? `≥ ${target.atLeast}${unit}` : `≤ ${target.atMost}${unit}`;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => (cell ?? '').padEnd(widths[c])).join('  ').trimEnd()).join('\n');
}

const notMeasured = (o: Outcome<unknown>) => ('skipped' in o ? `skipped: ${o.skipped}` : 'failed' in o ? `failed: ${o.failed.split('\n')[0]}` : '');

export async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        json: { type: 'boolean', default: false },
        quick: { type: 'boolean', default: false },
        skip: { type: 'string', default: '' },
        rounds: { type: 'string' },
        corpus: { type: 'string', default: process.env.AUDITSPEC_CORPUS ?? DEFAULT_CORPUS },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const skip = new Set(args.skip.split(',').filter((s) => s !== ''));
  for (const s of skip) {
    if (!(SECTIONS as readonly string[]).includes(s)) {
      console.error(`unknown section ${JSON.stringify(s)} in --skip (${SECTIONS.join(', ')})\n${USAGE}`);
      return 2;
    }
  }
  const rounds = args.rounds !== undefined ? Number(args.rounds) : args.quick ? 2 : 9;
  if (!Number.isInteger(rounds) || rounds < 1) {
    console.error(`--rounds wants a positive integer\n${USAGE}`);
    return 2;
  }
  const quick = args.quick;
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const policiesDir = join(args.corpus, 'policies');
  const haveCorpus = existsSync(policiesDir);
  const wanted = (s: Section) => !skip.has(s);

  const env = machine();
  log(`bench on ${env.cores} cores, ${env.cpu}, node ${env.node}, ${env.go ?? 'no go'}${quick ? ' (quick)' : ''}`);

  const skipped = (reason: string) => async () => ({ skipped: reason });
  const matcher: Outcome<MatcherResult> = await attempt<MatcherResult>(
    !wanted('matcher')
      ? skipped('--skip matcher')
      : !haveCorpus
        ? skipped(`no corpus at ${policiesDir}`)
        : () =>
            measureMatcher({
              policiesDir,
              requestsPerPolicy: quick ? 100 : 1000,
              rounds,
              sampleMs: quick ? 2 : 25,
              log,
            }),
  );
  const replay: Outcome<ReplayBenchResult> = await attempt<ReplayBenchResult>(
    !wanted('replay') ? skipped('--skip replay') : () => measureReplay({ requests: quick ? 2_000 : 60_000, rounds, log }),
  );
  const e2e: Outcome<Exclude<EndToEndResult, { skipped: string }>> = await attempt(
    !wanted('e2e')
      ? skipped('--skip e2e')
      : !haveCorpus
        ? skipped(`no corpus at ${policiesDir}`)
        : () =>
            measureEndToEnd({
              policyFile: join(policiesDir, 'gce-configure-helper-default.yaml'),
              otherPolicyFile: join(policiesDir, 'k8s-website-audit-policy.yaml'),
              starts: quick ? 1 : 3,
              switches: quick ? 1 : 6,
              batches: quick ? 1 : 5,
              batchSize: quick ? 11 : 55,
              log,
            }),
  );

  const containers: Outcome<Exclude<ContainersTimingResult, { skipped: string }>> = await attempt(
    !wanted('containers')
      ? skipped('--skip containers')
      : !haveCorpus
        ? skipped(`no corpus at ${policiesDir}`)
        : () =>
            measureContainers({
              policyFile: join(policiesDir, 'gce-configure-helper-default.yaml'),
              otherPolicyFile: join(policiesDir, 'k8s-website-audit-policy.yaml'),
              starts: quick ? 1 : 3,
              switches: quick ? 1 : 6,
              log,
            }),
  );

  const m = 'ok' in matcher ? matcher.ok : undefined;
  const c = 'ok' in containers ? containers.ok : undefined;
  const r = 'ok' in replay ? replay.ok : undefined;
  const e = 'ok' in e2e ? e2e.ok : undefined;
  const summary: BenchSummary = {
    matcherVsGo: m ? m.ratio.median : null,
    matcherVsGoMin: m ? Math.min(...m.perPolicy.map((p) => p.goNs / p.oursNs)) : null,
    // The less favourable of the two logs.
    replayVsJsonParse: r ? Math.min(r.allStages.ratio.median, r.lastStageOnly.ratio.median) : null,
    replayParallelSpeedup: r && 'speedup' in r.parallel ? r.parallel.speedup.median : null,
    coldStartSeconds: e ? e.coldStartSeconds.median : null,
    policySwitchSeconds: e ? e.policySwitchSeconds.median : null,
    e2eMsPerRequest: e ? e.msPerRequest.median : null,
    containersColdStartSeconds: c ? c.coldStartSeconds.median : null,
    containersPolicySwitchSeconds: c ? c.policySwitchSeconds.median : null,
  };

  if (m) {
    console.log(`matcher per policy (median ns per evaluation, ${m.requests} requests each):`);
    console.log(
      table([
        ['policy', 'rules', 'auditspec', 'Go', 'auditspec ÷ Go'],
        ...m.perPolicy.map((p) => [p.name, String(p.rules), p.oursNs.toFixed(0), p.goNs.toFixed(0), (p.goNs / p.oursNs).toFixed(2)]),
      ]),
    );
    if (m.refused.length > 0) console.log(`left out, refused by kube-apiserver 1.36 as by auditspec: ${m.refused.join(', ')}`);
    console.log('');
  }
  const rows: string[][] = [['benchmark', 'auditspec', 'reference', 'result', 'target', '']];
  if (m) {
    rows.push([
      `matcher, evaluations/s (${m.policies} policies)`,
      withSpread(m.ours, si),
      `Go ${withSpread(m.go, si)}`,
      `${withSpread(m.ratio, (n) => n.toFixed(2))} ×`,
      targetText('matcherVsGo', ' ×'),
      verdict('matcherVsGo', summary.matcherVsGo),
    ]);
    const worst = m.perPolicy.reduce((a, b) => (b.goNs / b.oursNs < a.goNs / a.oursNs ? b : a));
    rows.push([
      `matcher, the policy it fares worst on (${worst.name})`,
      `${worst.oursNs.toFixed(0)} ns`,
      `Go ${worst.goNs.toFixed(0)} ns`,
      `${(summary.matcherVsGoMin ?? 0).toFixed(2)} ×`,
      targetText('matcherVsGoMin', ' ×'),
      verdict('matcherVsGoMin', summary.matcherVsGoMin),
    ]);
  } else rows.push(['matcher, evaluations/s', notMeasured(matcher)]);
  if (r) {
    for (const [what, result] of [
      ['every stage', r.allStages],
      ['last stages only', r.lastStageOnly],
    ] as const) {
      rows.push([
        `replay, MB/s (${what}: ${result.events} events, ${(result.bytes / 1e6).toFixed(1)} MB${r.code === 'src' ? '; sources through Vite, no build' : ''})`,
        withSpread(result.replay, (n) => n.toFixed(1)),
        `split + JSON.parse ${withSpread(result.baseline, (n) => n.toFixed(1))}`,
        `${withSpread(result.ratio, (n) => n.toFixed(2))} ×`,
        targetText('replayVsJsonParse', ' ×'),
        verdict('replayVsJsonParse', result.ratio.median),
      ]);
    }
    const p = r.parallel;
    if ('speedup' in p) {
      rows.push([
        `replay --jobs ${p.jobs} vs --jobs 1, ms (every stage; load average ${p.loadAverage.before.toFixed(1)}→${p.loadAverage.after.toFixed(1)})`,
        withSpread(p.parallel, (n) => n.toFixed(0)),
        `--jobs 1 ${withSpread(p.single, (n) => n.toFixed(0))}`,
        `${withSpread(p.speedup, (n) => n.toFixed(2))} ×`,
        targetText('replayParallelSpeedup', ' ×'),
        verdict('replayParallelSpeedup', p.speedup.median),
      ]);
    } else rows.push(['replay --jobs', `skipped: ${p.skipped}`]);
  } else rows.push(['replay, MB/s', notMeasured(replay)]);
  if (e) {
    rows.push([
      `local control plane cold start (${e.coldStartSeconds.samples}×)`,
      `${withSpread(e.coldStartSeconds, (n) => n.toFixed(1))} s`,
      '',
      '',
      targetText('coldStartSeconds', ' s'),
      verdict('coldStartSeconds', summary.coldStartSeconds),
    ]);
    rows.push([
      `policy switch, next policy announced: the pause (${e.policySwitchSeconds.samples}×)`,
      `${withSpread(e.policySwitchSeconds, (n) => n.toFixed(2))} s`,
      `unannounced ${withSpread(e.unannouncedSwitchSeconds, (n) => n.toFixed(1))} s`,
      `standby kube-apiserver ${e.standbyMiB.median.toFixed(0)} MiB`,
      targetText('policySwitchSeconds', ' s'),
      verdict('policySwitchSeconds', summary.policySwitchSeconds),
    ]);
    rows.push([
      `end to end, per request in a batch (${e.msPerRequest.samples}×)`,
      `${withSpread(e.msPerRequest, (n) => n.toFixed(1))} ms`,
      '',
      `${e.agreed}/${e.checked} as offline`,
      targetText('e2eMsPerRequest', ' ms'),
      verdict('e2eMsPerRequest', summary.e2eMsPerRequest),
    ]);
  } else {
    for (const name of ['local control plane cold start', 'policy switch, next policy announced: the pause', 'end to end, per request in a batch']) rows.push([name, notMeasured(e2e)]);
  }
  if (c) {
    rows.push([
      `containers cold start (${c.coldStartSeconds.samples}×)`,
      `${withSpread(c.coldStartSeconds, (n) => n.toFixed(1))} s`,
      e ? `local ${e.coldStartSeconds.median.toFixed(1)} s` : '',
      '',
      targetText('containersColdStartSeconds', ' s'),
      verdict('containersColdStartSeconds', summary.containersColdStartSeconds),
    ]);
    rows.push([
      `containers policy switch (${c.policySwitchSeconds.samples}×)`,
      `${withSpread(c.policySwitchSeconds, (n) => n.toFixed(1))} s`,
      e ? `local, unannounced ${e.unannouncedSwitchSeconds.median.toFixed(1)} s` : '',
      '',
      targetText('containersPolicySwitchSeconds', ' s'),
      verdict('containersPolicySwitchSeconds', summary.containersPolicySwitchSeconds),
    ]);
  } else {
    for (const name of ['containers cold start', 'containers policy switch']) rows.push([name, notMeasured(containers)]);
  }
  console.log(table(rows));
  if (e) {
    const phases = (figures: Record<string, Measured>) =>
      Object.entries(figures)
        .map(([phase, m]) => `${phase} ${m.median.toFixed(1)}`)
        .join(', ');
    console.log(`cold start phases (median s): ${phases(e.coldStartPhases)}`);
    console.log(`policy switch phases (median s): ${phases(e.policySwitchPhases)}`);
  }
  console.log(
    `machine: ${env.cores} cores (nproc), ${env.cpu}, node ${env.node}, ${env.go ?? 'go not found'}, load average ${env.loadAverage.toFixed(1)} at start`,
  );
  if (m && m.disagreements > 0) console.log(`WARNING: auditspec and upstream disagreed on ${m.disagreements} requests`);
  for (const [name, o] of [['matcher', matcher], ['replay', replay], ['e2e', e2e], ['containers', containers]] as const) {
    if ('failed' in o) console.error(`${name} failed:\n${o.failed}`);
  }

  if (args.json) {
    const details = {
      machine: env,
      quick,
      rounds,
      matcher: m ? { ...m } : notMeasured(matcher),
      replay: r ?? notMeasured(replay),
      e2e: e ?? notMeasured(e2e),
      containers: c ?? notMeasured(containers),
    };
    console.log(JSON.stringify({ ...summary, details }));
  }
  const broken = [matcher, replay, e2e, containers].some((o) => 'failed' in o) || (m !== undefined && m.disagreements > 0);
  return broken ? 1 : 0;
}
