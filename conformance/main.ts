// `npm run conformance -- --cases N --seed S [--kube-version V] [--case I,...] [--show K] [--no-shrink]`
// Generates N cases, asks upstream (go/oracle, linked against version V's
// k8s.io/apiserver; the default version when absent) and auditspec deciding as V the same
// questions, prints the first mismatches as small repros and ends with exactly
// `conformance: N cases, M mismatches` (exit 1 when M > 0).
// `--differential` instead asks every supported version's oracle the same cases
// and prints each class of answer on which neighbouring versions disagree.
// `--live` instead sends generated requests to a local kube-apiserver, each case's
// kube-apiserver started ahead while earlier cases run (`--no-prepare`: one at a time).

import { parseArgs } from 'node:util';
import {
  DEFAULT_KUBE_VERSION,
  parseKubeVersion,
  SUPPORTED_KUBE_VERSIONS,
  UnsupportedKubeVersionError,
  type KubeVersion,
} from '../src/audit/kubeVersions.js';
import type { Mismatch } from './compare.js';
import { runDifferential } from './differential.js';
import { Oracle } from './oracle/client.js';
import { runConformance, type RunResult } from './runner.js';
import { shrinkMismatch } from './shrink.js';
import { createSubject, type Subject } from './subject.js';

const USAGE = `usage: npm run conformance -- [--cases N] [--seed S] [--kube-version V] [--case I[,I...]] [--show K] [--no-shrink] [--live [--no-prepare]] [--differential]`;

function indent(text: string, prefix = '    '): string {
  return text
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => `${prefix}${l}`)
    .join('\n');
}

function formatRepro(m: Mismatch, policyText: string, note: string): string {
  const lines = [
    `✗ ${m.kind} (seed ${m.seed}, case ${m.caseIndex}${m.requestIndex !== undefined ? `, request ${m.requestIndex}` : ''}): ${m.fields.join(', ')}`,
    `  replay: npm run conformance -- --seed ${m.seed} --case ${m.caseIndex}${note}`,
    '  policy:',
    policyText === '' ? '    (empty file)' : indent(policyText),
  ];
  if (m.request) lines.push(`  request:   ${JSON.stringify(m.request)}`);
  lines.push(`  auditspec: ${typeof m.ours === 'string' ? m.ours : JSON.stringify(m.ours)}`);
  lines.push(`  upstream:  ${typeof m.upstream === 'string' ? m.upstream : JSON.stringify(m.upstream)}`);
  return lines.join('\n');
}

async function report(result: RunResult, show: number, shrink: boolean, oracle: Oracle, subject: Subject): Promise<void> {
  // One repro per kind first, so different problems are not hidden behind the first one.
  const shown: Mismatch[] = [];
  const kinds = new Set<string>();
  for (const m of result.mismatches) {
    if (shown.length < show && !kinds.has(m.kind)) {
      kinds.add(m.kind);
      shown.push(m);
    }
  }
  for (const m of result.mismatches) {
    if (shown.length >= show) break;
    if (!shown.includes(m)) shown.push(m);
  }
  for (const m of shown) {
    const c = result.casesByIndex.get(m.caseIndex)!;
    if (shrink) {
      const small = await shrinkMismatch(c, m, oracle, subject);
      const note = small.policyText !== c.policy.text ? ' (policy below minimised)' : '';
      console.log(formatRepro(small.mismatch, small.policyText, note));
    } else {
      console.log(formatRepro(m, m.policyText, ''));
    }
    console.log('');
  }
  if (result.signatures.size > 1) {
    console.log('distinct mismatches (count, first case):');
    for (const [signature, { count, first }] of [...result.signatures].sort((a, b) => b[1].count - a[1].count).slice(0, 30)) {
      console.log(`  ${String(count).padStart(6)}  case ${first.caseIndex}  ${signature}`);
    }
  }
  const kindsLine = Object.entries(result.byKind)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  if (kindsLine) console.log(`mismatches by kind: ${kindsLine}`);
}

/** Prints, per pair of neighbouring versions, every class of disagreement with a count and a first example. */
async function differential(seed: string, cases: number, show: number): Promise<number> {
  const oracles: Array<{ version: KubeVersion; oracle: Oracle }> = [];
  try {
    for (const version of SUPPORTED_KUBE_VERSIONS) {
      const oracle = await Oracle.start({
        kubeVersion: version,
        onBuild: (binary) => console.error(`differential: building the oracle of ${version} into ${binary}…`),
      });
      oracles.push({ version, oracle });
    }
    const started = Date.now();
    const reports = await runDifferential({ seed, cases, oracles });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    for (const r of reports) {
      console.log(`${r.older} -> ${r.newer}: ${r.cases} cases (${r.answers} answers), ${r.casesDiffering} cases differ, ${r.classes.length} classes`);
      for (const k of r.classes) {
        console.log(`  ${String(k.count).padStart(6)}  ${k.signature}`);
        if (show > 0) {
          const d = k.first;
          console.log(`          first: seed ${seed} case ${d.caseIndex}${d.requestIndex === undefined ? '' : ` request ${d.requestIndex}`}`);
          console.log(`          ${r.older}: ${JSON.stringify(d.older)}`);
          console.log(`          ${r.newer}: ${JSON.stringify(d.newer)}`);
        }
      }
    }
    console.log(`differential: ${SUPPORTED_KUBE_VERSIONS.join(', ')}; seed ${seed}; ${cases} cases per version pair; ${seconds}s`);
    return 0;
  } finally {
    await Promise.all(oracles.map(({ oracle }) => oracle.close()));
  }
}

export async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        cases: { type: 'string', default: '2000' },
        seed: { type: 'string', default: '1' },
        'kube-version': { type: 'string', default: DEFAULT_KUBE_VERSION },
        case: { type: 'string' },
        show: { type: 'string', default: '5' },
        'no-shrink': { type: 'boolean', default: false },
        live: { type: 'boolean', default: false },
        differential: { type: 'boolean', default: false },
        'no-prepare': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const cases = Number(args.cases);
  const show = Number(args.show);
  if (!Number.isInteger(cases) || cases < 0 || !Number.isInteger(show) || show < 0) {
    console.error(`--cases and --show take whole numbers\n${USAGE}`);
    return 2;
  }
  const only = args.case?.split(',').map(Number);
  if (only?.some((i) => !Number.isInteger(i) || i < 0)) {
    console.error(`--case takes case indices\n${USAGE}`);
    return 2;
  }
  let kubeVersion: KubeVersion;
  try {
    kubeVersion = parseKubeVersion(args['kube-version'], '--kube-version');
  } catch (err) {
    if (!(err instanceof UnsupportedKubeVersionError)) throw err;
    console.error(`${err.message}\n${USAGE}`);
    return 2;
  }
  if (args.differential) return differential(args.seed, cases, show);
  if (args.live) {
    const { runLive } = await import('./live.js');
    return runLive({ cases, seed: args.seed, show, prepareAhead: !args['no-prepare'], kubeVersion });
  }

  const oracle = await Oracle.start({
    kubeVersion,
    onBuild: (binary) => console.error(`conformance: building the oracle (upstream k8s.io/apiserver of ${kubeVersion}) into ${binary}…`),
  });
  try {
    const subject = createSubject(kubeVersion);
    const started = Date.now();
    const result = await runConformance({ seed: args.seed, cases, only, oracle, subject });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    await report(result, show, !args['no-shrink'], oracle, subject);
    console.log(
      `kube-apiserver ${kubeVersion}, seed ${args.seed}: ${result.acceptedPolicies} of ${result.cases} policies loaded, ${result.requests} requests, ${seconds}s`,
    );
    console.log(`conformance: ${result.cases} cases, ${result.mismatchCount} mismatches`);
    return result.mismatchCount > 0 ? 1 : 0;
  } finally {
    await oracle.close();
  }
}
