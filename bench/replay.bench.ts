// How fast `auditspec replay` is next to the least any reader of the same log
// must do: split it into lines and JSON.parse each one. Target: replay at least
// as fast (replayVsJsonParse ≥ 1 in bench/index.ts). Run:
//
//   npx vitest bench --run --project unit bench/replay.bench.ts
//
// Both sides read the same synthetic log from disk with the same line reader.
// They run in pairs, one right after the other, so that both see the same load
// on a shared machine; the ratio printed is the median over the pairs, with the
// best run of each side beside it, and the same ratio in CPU time, which other
// processes on the machine do not inflate.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bench, describe } from 'vitest';
import type { Policy } from '../src/audit/types.js';
import { readLines } from '../src/replay/lines.js';
import { replayAuditLogs } from '../src/replay/replay.js';
import { writeSyntheticAuditLog, type SyntheticLog } from './syntheticLog.js';

const REQUESTS = Number(process.env.AUDITSPEC_BENCH_REQUESTS ?? 60_000);
const dir = mkdtempSync(join(tmpdir(), 'auditspec-bench-'));

// Two logs, written once before the benchmarks are collected (top-level await):
// every stage of every request (later events of a request are read without a
// full parse), and only each request's last event (every line is parsed: the
// least favourable case, as under omitStages: [RequestReceived]).
const logs = {
  allStages: { path: join(dir, 'all-stages.log'), written: undefined as unknown as SyntheticLog },
  lastStageOnly: { path: join(dir, 'last-stage-only.log'), written: undefined as unknown as SyntheticLog },
};
logs.allStages.written = await writeSyntheticAuditLog(logs.allStages.path, REQUESTS);
logs.lastStageOnly.written = await writeSyntheticAuditLog(logs.lastStageOnly.path, REQUESTS, { lastStageOnly: true });

const rule = (level: string, fields: Partial<Policy['rules'][number]> = {}, line = 1): Policy['rules'][number] => ({
  level,
  users: [],
  userGroups: [],
  verbs: [],
  resources: [],
  namespaces: [],
  nonResourceURLs: [],
  omitStages: [],
  omitManagedFields: undefined,
  pos: { file: 'bench-policy.yaml', line, col: 3 },
  fieldPos: {},
  ...fields,
});
const gr = (group: string, resources: string[] = []) => ({ group, resources, resourceNames: [], pos: { file: 'bench-policy.yaml', line: 1, col: 1 } });

// A typical production policy: drop node and health noise, bodies for writes to apps, Metadata else.
const policy: Policy = {
  apiVersion: 'audit.k8s.io/v1',
  kind: 'Policy',
  file: 'bench-policy.yaml',
  omitStages: ['RequestReceived'],
  omitManagedFields: true,
  rules: [
    rule('None', { userGroups: ['system:nodes'], verbs: ['get', 'list', 'watch'] }, 1),
    rule('None', { nonResourceURLs: ['/healthz*', '/readyz*', '/livez*'] }, 2),
    rule('Metadata', { resources: [gr('', ['secrets', 'configmaps'])] }, 3),
    rule('RequestResponse', { verbs: ['create', 'update', 'patch', 'delete'], resources: [gr('apps')] }, 4),
    rule('Request', { verbs: ['create', 'update', 'patch', 'delete'] }, 5),
    rule('Metadata', {}, 6),
  ],
};

/** Wall time into `into`, and the process's CPU time (user + system, all threads) into `cpu`. */
async function timed(into: number[], cpu: number[], fn: () => Promise<unknown>): Promise<void> {
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  await fn();
  const used = process.cpuUsage(cpuStart);
  into.push(performance.now() - start);
  cpu.push((used.user + used.system) / 1000);
}

const ITERATIONS = 5;
const WARMUP = 1;
let reported = 0;

for (const [name, log] of Object.entries(logs)) {
  const runs = { parse: [] as number[], replay: [] as number[], parseCpu: [] as number[], replayCpu: [] as number[] };

  /** Prints the ratios once all pairs have run (tinybench calls teardown after warm-up and after the runs). */
  const report = (): void => {
    if (runs.replay.length < ITERATIONS + WARMUP) return;
    if (++reported === Object.keys(logs).length) rmSync(dir, { recursive: true, force: true });
    const parse = runs.parse.slice(WARMUP);
    const replay = runs.replay.slice(WARMUP);
    const best = (xs: number[]) => Math.min(...xs);
    const ratios = parse.map((p, i) => p / replay[i]).sort((a, b) => a - b);
    const median = ratios[Math.floor(ratios.length / 2)];
    // CPU time does not count the time the machine gave to other processes.
    const cpuRatios = runs.parseCpu.slice(WARMUP).map((p, i) => p / runs.replayCpu[WARMUP + i]).sort((a, b) => a - b);
    const cpuMedian = cpuRatios[Math.floor(cpuRatios.length / 2)];
    const mb = log.written.bytes / 1e6;
    const rate = (ms: number) => `${(mb / (ms / 1000)).toFixed(1).padStart(7)} MB/s ${((log.written.events / ms) * 1000).toFixed(0).padStart(9)} events/s`;
    console.log(
      [
        `${name}: ${log.written.events} events, ${mb.toFixed(1)} MB, ${parse.length} pairs`,
        `  split + JSON.parse  best ${best(parse).toFixed(0).padStart(6)} ms  ${rate(best(parse))}`,
        `  auditspec replay    best ${best(replay).toFixed(0).padStart(6)} ms  ${rate(best(replay))}`,
        `  replay runs at ${(median * 100).toFixed(1)} % of the speed of split + JSON.parse (median of pairs; ` +
          `range ${(ratios[0] * 100).toFixed(0)}–${(ratios[ratios.length - 1] * 100).toFixed(0)} %; target ≥ 50 %)`,
        `  in CPU time: ${(cpuMedian * 100).toFixed(1)} % (median of pairs; range ${(cpuRatios[0] * 100).toFixed(0)}–${(cpuRatios[cpuRatios.length - 1] * 100).toFixed(0)} %)`,
      ].join('\n'),
    );
  };

  describe(`${name}: synthetic log of ${REQUESTS} requests`, () => {
    bench(
      'split lines + JSON.parse, then auditspec replay',
      async () => {
        await timed(runs.parse, runs.parseCpu, () => readLines(log.path, (text) => void JSON.parse(text)));
        await timed(runs.replay, runs.replayCpu, () => replayAuditLogs([log.path], { policy }));
      },
      { iterations: ITERATIONS, warmupIterations: WARMUP, time: 0, warmupTime: 0, teardown: report },
    );
  });
}
