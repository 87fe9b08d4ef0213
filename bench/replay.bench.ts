// How fast `auditspec replay` is next to the least any reader of the same log
// must do: split it into lines and JSON.parse each one. Target: replay at ≥ 50 %
// of that speed. Run:
//
//   npx vitest bench --run --project unit bench/replay.bench.ts
//
// Both sides read the same synthetic log from disk with the same line reader;
// the ratio is printed after the table, best run against best run (the machine
// is shared, so the fastest run is the least disturbed one).
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
const log = join(dir, 'audit.log');
// Written once, before the benchmarks are collected (top-level await).
const written: SyntheticLog = await writeSyntheticAuditLog(log, REQUESTS);

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

const runs = { parse: [] as number[], replay: [] as number[] };

async function timed(into: number[], fn: () => Promise<unknown>): Promise<void> {
  const start = performance.now();
  await fn();
  into.push(performance.now() - start);
}

const ITERATIONS = 5;
const WARMUP = 1;

/** Prints the ratio once both benchmarks have run (tinybench calls teardown after warm-up and after the runs). */
function report(): void {
  if (runs.replay.length < ITERATIONS + WARMUP) return;
  rmSync(dir, { recursive: true, force: true });
  const best = (xs: number[]) => Math.min(...xs);
  const mb = written.bytes / 1e6;
  const rate = (ms: number) => `${(mb / (ms / 1000)).toFixed(1).padStart(7)} MB/s ${((written.events / ms) * 1000).toFixed(0).padStart(9)} events/s`;
  const ratio = best(runs.parse) / best(runs.replay);
  console.log(
    [
      `log: ${written.events} events, ${mb.toFixed(1)} MB`,
      `split + JSON.parse  best ${best(runs.parse).toFixed(0).padStart(6)} ms  ${rate(best(runs.parse))}`,
      `auditspec replay    best ${best(runs.replay).toFixed(0).padStart(6)} ms  ${rate(best(runs.replay))}`,
      `replay runs at ${(ratio * 100).toFixed(1)} % of the speed of split + JSON.parse (target ≥ 50 %)`,
    ].join('\n'),
  );
}

describe(`replay of a synthetic log (${REQUESTS} requests)`, () => {
  const options = { iterations: ITERATIONS, warmupIterations: WARMUP, time: 0, warmupTime: 0 };
  bench('split lines + JSON.parse', () => timed(runs.parse, () => readLines(log, (text) => void JSON.parse(text))), options);
  bench('auditspec replay', () => timed(runs.replay, () => replayAuditLogs([log], { policy })), { ...options, teardown: report });
});
