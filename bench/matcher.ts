// Evaluations per second of auditspec's matcher (compilePolicy + evaluatePolicy)
// next to upstream's own evaluator (policy.NewPolicyRuleEvaluator, through the
// oracle's `bench` op), on the same policies and the same requests.
//
// Each side times only its evaluation loop, over requests it already holds
// decoded: here an array of RequestAttributes, in the oracle AttributesRecords
// built before its clock starts. Process start, JSON and policy loading are
// outside both clocks. The two sides alternate (A B, then B A, ...) after a
// warm-up round, so a disturbance of the shared machine hits both alike; the
// ratio is taken per round and its median reported.
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { compilePolicy, evaluatePolicy, type CompiledPolicy } from '../src/audit/policy/checker.js';
import { readPolicy } from '../src/audit/policy/reader.js';
import type { RequestAttributes } from '../src/request/types.js';
import { Oracle } from '../conformance/oracle/client.js';
import { benchRequests } from './requests.js';
import { measured, median, type Measured } from './stats.js';

export interface MatcherOptions {
  policiesDir: string;
  requestsPerPolicy: number;
  /** Timed rounds after the warm-up round. */
  rounds: number;
  /** Roughly how long one side spends on one policy in one round. */
  sampleMs: number;
  log?: (line: string) => void;
}

export interface PolicyFigures {
  name: string;
  rules: number;
  /** Median ns per evaluation. */
  oursNs: number;
  goNs: number;
}

export interface MatcherResult {
  skipped?: undefined;
  policies: number;
  /** Corpus files kube-apiserver refuses, left out. */
  refused: string[];
  requests: number;
  /** Requests on which the two evaluators gave different answers (must be 0 for the figures to mean anything). */
  disagreements: number;
  /** Evaluations per second over the whole workload, per round. */
  ours: Measured;
  go: Measured;
  /** auditspec ÷ Go, per round. */
  ratio: Measured;
  perPolicy: PolicyFigures[];
}

interface Workload {
  name: string;
  text: string;
  compiled: CompiledPolicy;
  requests: RequestAttributes[];
  iterations: number;
  ours: number[];
  go: number[];
}

/** Result of the loop, kept so the calls cannot be optimised away. */
let sink = 0;

/** Evaluates every request `iterations` times; returns elapsed nanoseconds. */
function timeOurs(compiled: CompiledPolicy, requests: readonly RequestAttributes[], iterations: number): number {
  // The bench runs under Vite's module runner, which turns an imported function
  // into a getter on a module object; a caller of the published package (native
  // ESM) binds it directly. The local alias measures the latter: through the
  // getter, a one-rule policy costs about 60 % more per call.
  const evaluate = evaluatePolicy;
  let sum = 0;
  const start = process.hrtime.bigint();
  for (let it = 0; it < iterations; it++) {
    for (let i = 0; i < requests.length; i++) sum += evaluate(compiled, requests[i]).level.length;
  }
  const elapsed = Number(process.hrtime.bigint() - start);
  sink += sum;
  return elapsed;
}

async function timeGo(oracle: Oracle, ref: string, requests: readonly RequestAttributes[], iterations: number): Promise<number> {
  const answer = await oracle.bench({ policyRef: ref }, requests, iterations);
  return answer.elapsedNs;
}

export function corpusPolicies(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => join(dir, name));
}

export async function measureMatcher(options: MatcherOptions): Promise<MatcherResult | { skipped: string }> {
  const log = options.log ?? (() => {});
  const workloads: Workload[] = [];
  const refused: string[] = [];
  for (const [index, file] of corpusPolicies(options.policiesDir).entries()) {
    const read = readPolicy(readFileSync(file, 'utf8'), { file });
    // Files kube-apiserver 1.36 refuses (e.g. audit.k8s.io/v1beta1) have nothing to evaluate.
    if (!read.ok) {
      refused.push(basename(file));
      continue;
    }
    workloads.push({
      name: basename(file, '.yaml'),
      text: readFileSync(file, 'utf8'),
      compiled: compilePolicy(read.policy),
      requests: benchRequests(read.policy, options.requestsPerPolicy, index + 1),
      iterations: 1,
      ours: [],
      go: [],
    });
  }
  let oracle: Oracle;
  try {
    oracle = await Oracle.start({ onBuild: (binary) => log(`building the oracle into ${binary} ...`) });
  } catch (err) {
    return { skipped: `upstream's evaluator (go/oracle) unavailable: ${(err as Error).message.split('\n')[0]}` };
  }
  try {
    let disagreements = 0;
    for (const [i, w] of workloads.entries()) {
      const loaded = await oracle.load(w.text, `p${i}`);
      if (!loaded.ok) throw new Error(`upstream refuses ${w.name}, which auditspec loads: ${loaded.error}`);
      // The same answers first: a fast wrong matcher would be no result.
      const upstream = await oracle.eval({ policyRef: `p${i}` }, w.requests);
      w.requests.forEach((request, j) => {
        const ours = evaluatePolicy(w.compiled, request);
        const theirs = upstream[j];
        const same =
          ours.level === theirs.level &&
          ours.ruleIndex === theirs.ruleIndex &&
          ours.omitManagedFields === theirs.omitManagedFields &&
          ours.omitStages.join() === theirs.omitStages.join();
        if (!same) disagreements++;
      });
      // Enough iterations that one sample lasts about sampleMs on our side.
      const probe = timeOurs(w.compiled, w.requests, 1);
      w.iterations = Math.max(1, Math.round((options.sampleMs * 1e6) / Math.max(probe, 1)));
    }
    // Warm-up (JIT on our side, caches and GC on both), then re-calibrate on warm code.
    for (const [i, w] of workloads.entries()) {
      await timeGo(oracle, `p${i}`, w.requests, w.iterations);
      const warm = timeOurs(w.compiled, w.requests, w.iterations);
      w.iterations = Math.max(1, Math.round((w.iterations * options.sampleMs * 1e6) / Math.max(warm, 1)));
    }
    const oursRates: number[] = [];
    const goRates: number[] = [];
    const ratios: number[] = [];
    for (let round = 0; round < options.rounds; round++) {
      let oursNs = 0;
      let goNs = 0;
      let evaluations = 0;
      for (const [i, w] of workloads.entries()) {
        // A B, then B A: neither side always runs right after the other's garbage.
        const goFirst = (round + i) % 2 === 1;
        let go = 0;
        if (goFirst) go = await timeGo(oracle, `p${i}`, w.requests, w.iterations);
        const ours = timeOurs(w.compiled, w.requests, w.iterations);
        if (!goFirst) go = await timeGo(oracle, `p${i}`, w.requests, w.iterations);
        const n = w.iterations * w.requests.length;
        w.ours.push(ours / n);
        w.go.push(go / n);
        // Every policy weighs the same in the total: its ns per evaluation.
        oursNs += ours / n;
        goNs += go / n;
        evaluations += 1;
      }
      oursRates.push((evaluations / oursNs) * 1e9);
      goRates.push((evaluations / goNs) * 1e9);
      ratios.push(goNs / oursNs);
      log(`matcher round ${round + 1}/${options.rounds}: auditspec ÷ Go = ${(goNs / oursNs).toFixed(2)}`);
    }
    return {
      policies: workloads.length,
      refused,
      requests: options.requestsPerPolicy,
      disagreements,
      ours: measured(oursRates),
      go: measured(goRates),
      ratio: measured(ratios),
      perPolicy: workloads.map((w) => ({
        name: w.name,
        rules: w.compiled.policy.rules.length,
        oursNs: median(w.ours),
        goNs: median(w.go),
      })),
    };
  } finally {
    await oracle.close();
    if (sink === -1) log('');
  }
}
