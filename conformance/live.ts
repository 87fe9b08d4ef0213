// `npm run conformance -- --live --cases N [--seed S]`: the last word goes to a
// real kube-apiserver. For N generated policies that both upstream's loader
// and ours accept, the case's HTTP requests that a real client can send are
// sent, as their identities, to the local control plane running the policy;
// the level and stages it logs must be exactly what auditspec predicts offline
// (and the level what upstream's evaluator says).

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compilePolicy, evaluatePolicy } from '../src/audit/policy/checker.js';
import { readPolicy } from '../src/audit/policy/reader.js';
import { DEFAULT_KUBE_VERSION, type KubeVersion } from '../src/audit/kubeVersions.js';
import type { LocalStartOptions } from '../src/clusters/local/index.js';
import { AuditSession, type SessionOptions } from '../src/e2e/session.js';
import { attributesFromHttp } from '../src/request/attributes.js';
import type { HttpRequest, Identity } from '../src/request/types.js';
import { generateCase } from './generate/case.js';
import { Oracle } from './oracle/client.js';
import type { OracleResolved } from './oracle/protocol.js';

export interface LiveOptions {
  /** Policies to run (each gets the case's sendable requests). */
  cases: number;
  seed: string;
  /** Mismatches printed in full. */
  show: number;
  /** Cluster backend (default local). */
  backend?: string;
  /** Start the next cases' kube-apiservers ahead (default true; false only to measure what that saves). */
  prepareAhead?: boolean;
  /**
   * Whose kube-apiserver judges, and whose oracle and loading rules pick the
   * cases (default: the default version); `auditspec setup --kube-version X`
   * obtains that release's binaries if they are not cached yet.
   */
  kubeVersion?: KubeVersion;
}

export interface LiveMismatch {
  caseIndex: number;
  policyText: string;
  request: HttpRequest;
  predicted: { level: string; stages: readonly string[] };
  upstreamLevel: string | undefined;
  logged: { level: string; stages: readonly string[]; status: number } | { error: string };
}

const SENDABLE_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

/** Text an HTTP client can put in a header (Impersonate-User/Group) as is. */
const HEADER_SAFE = /^[\x20-\x7e]*$/;

/**
 * Who a client can say: an x509 client certificate cannot carry an empty name,
 * and impersonation headers only printable ASCII.
 */
function presentable(identity: Identity): boolean {
  if (identity.kind === 'user') return identity.name !== '';
  if (identity.kind === 'impersonating') {
    return (
      identity.caller.name !== '' &&
      identity.as.name !== '' &&
      HEADER_SAFE.test(identity.as.name) &&
      identity.as.groups.every((g) => HEADER_SAFE.test(g))
    );
  }
  return true;
}

/**
 * A request a real client sends as is and kube-apiserver audits: an ordinary
 * method, an origin-form target of printable ASCII, and one upstream resolves
 * without refusing it first.
 */
export function sendable(req: HttpRequest, upstream: OracleResolved): boolean {
  return (
    SENDABLE_METHODS.has(req.method) &&
    /^\/[\x21-\x7e]*$/.test(req.url) &&
    !upstream.urlError &&
    !upstream.error &&
    upstream.attributes !== null &&
    presentable(req.identity)
  );
}

function formatLive(m: LiveMismatch): string {
  const logged = 'error' in m.logged ? `error: ${m.logged.error}` : `${m.logged.status} ${m.logged.level} [${m.logged.stages.join(', ')}]`;
  return [
    `✗ live (case ${m.caseIndex}) ${m.request.method} ${m.request.url} as ${JSON.stringify(m.request.identity)}`,
    '  policy:',
    m.policyText.replace(/\n$/, '').split('\n').map((l) => `    ${l}`).join('\n'),
    `  auditspec predicts: ${m.predicted.level} [${m.predicted.stages.join(', ')}]`,
    `  upstream evaluator: ${m.upstreamLevel ?? '-'}`,
    `  kube-apiserver logged: ${logged}`,
  ].join('\n');
}

interface LiveCase {
  index: number;
  policyText: string;
  file: string;
  requests: HttpRequest[];
  predictions: Array<{ level: string; stages: readonly string[]; upstreamLevel?: string }>;
}

/**
 * kube-apiserver flags for this harness only, each chosen because it leaves
 * the level and the stages of every audit event exactly as upstream's
 * defaults: kube-apiserver's handler chain runs authentication, then the audit
 * filter — which decides the level from the request's URL-derived RequestInfo
 * and the authenticated user, and writes RequestReceived, ResponseStarted for a
 * long-running request once headers are written (whatever the status), then
 * ResponseComplete or Panic — and only inside it impersonation, priority and
 * fairness, authorization and the handlers with their storage. Measured on live
 * conformance (21 policies, seed 3, 2 cores, kube-apiserver 1.37.2): together
 * they take about 0.27 CPU-s off each policy (see bench/README.md).
 * Disabling the ValidatingAdmissionPolicy and MutatingAdmissionPolicy plugins
 * (whose two GETs of /openapi/v3 at every start a profile showed) measured no
 * gain and is left out: the OpenAPI v3 documents are serialised at every start
 * anyway (a profile with the plugins off still puts 12 % of the start there).
 * - `--enable-priority-and-fairness=false`: the plain max-in-flight limit
 *   instead; APF adds no audit annotations (its apf_pl/apf_fs go to the HTTP
 *   log), and its bootstrap configuration and status updates at every start go.
 * - `--watch-cache=false`: reads go to etcd instead of the apiserver's caches,
 *   which are no longer filled at every start (a LIST and a WATCH per resource).
 * Users might notice either (who answers 429 under load; list resource
 * versions), so the local backend keeps upstream's defaults and only this
 * harness, which compares level and stages, departs from them.
 */
const LIVE_APISERVER_FLAGS: readonly string[] = ['--enable-priority-and-fairness=false', '--watch-cache=false'];

/** Cases generated and announced ahead of the one running. */
const LOOKAHEAD = 2;

export async function runLive(options: LiveOptions): Promise<number> {
  const kubeVersion = options.kubeVersion ?? DEFAULT_KUBE_VERSION;
  const oracle = await Oracle.start({
    kubeVersion,
    onBuild: (binary) => console.error(`conformance: building the oracle into ${binary}…`),
  });
  const sessionOptions: SessionOptions & Pick<LocalStartOptions, 'extraApiserverFlags'> = {
    log: (line) => console.error(line),
    prepareAhead: options.prepareAhead,
    kubeVersion,
    extraApiserverFlags: LIVE_APISERVER_FLAGS,
  };
  const session = new AuditSession(options.backend ?? 'local', sessionOptions);
  const dir = await mkdtemp(join(tmpdir(), 'auditspec-conformance-live-'));
  const mismatches: LiveMismatch[] = [];
  let policies = 0;
  let sent = 0;
  let skippedPolicies = 0;
  try {
    const limit = options.cases * 50;
    /** The next generated case that can run live, from `from` on: its policy written to a file. */
    const nextCase = async (from: number): Promise<LiveCase | undefined> => {
      for (let index = from; index < limit; index++) {
        const c = generateCase(options.seed, index);
        const ours = readPolicy(c.policy.text, { kubeVersion });
        const answer = await oracle.conformanceCase(
          c.policy.text,
          c.http.map((h) => ({ method: h.method, url: h.url, identity: h.identity })),
          [],
        );
        // Offline disagreements are the offline run's business; live needs a policy both accept.
        if (!ours.ok || !answer.load.ok) continue;
        const compiled = compilePolicy(ours.policy);
        const requests: HttpRequest[] = [];
        const predictions: LiveCase['predictions'] = [];
        c.http.forEach((req, i) => {
          if (!sendable(req, answer.http[i])) return;
          const decision = evaluatePolicy(compiled, attributesFromHttp(req));
          requests.push(req);
          // No stage written means no event: the log shows nothing, which reads as None.
          predictions.push({
            level: decision.stages.length > 0 ? decision.level : 'None',
            stages: decision.stages,
            upstreamLevel: answer.http[i].decision?.level,
          });
        });
        if (requests.length === 0) continue;
        const file = join(dir, `case-${index}.${c.policy.format}`);
        await writeFile(file, c.policy.text);
        return { index, policyText: c.policy.text, file, requests, predictions };
      }
      return undefined;
    };
    // The next cases' policies are announced while one runs, so their
    // kube-apiservers start meanwhile and each switch is a swap.
    const ahead: LiveCase[] = [];
    let from = 0;
    while (policies < options.cases) {
      while (ahead.length <= LOOKAHEAD) {
        const next = await nextCase(from);
        if (!next) break;
        from = next.index + 1;
        ahead.push(next);
        session.announce(next.file);
      }
      const current = ahead.shift();
      if (!current) break;
      const { index, policyText, file, requests, predictions } = current;
      let outcomes;
      try {
        outcomes = await session.run(file, requests);
      } catch (err) {
        // e.g. a policy that leaves no room for the sentinel rule: not a verdict on matching.
        console.error(`conformance: case ${index} not run live: ${(err as Error).message}`);
        skippedPolicies++;
        continue;
      }
      policies++;
      sent += requests.length;
      outcomes.forEach((o, i) => {
        const p = predictions[i];
        const same = o.level === p.level && o.stages.length === p.stages.length && o.stages.every((s, j) => s === p.stages[j]);
        if (!same) {
          mismatches.push({
            caseIndex: index,
            policyText,
            request: requests[i],
            predicted: { level: p.level, stages: p.stages },
            upstreamLevel: p.upstreamLevel,
            logged: { level: o.level, stages: o.stages, status: o.status },
          });
        }
      });
      console.error(`conformance: live ${policies}/${options.cases} (case ${index}, ${requests.length} requests)`);
    }
  } finally {
    await session.stop().catch((err) => console.error(`conformance: stopping the cluster: ${(err as Error).message}`));
    await oracle.close();
    await rm(dir, { recursive: true, force: true });
  }
  for (const m of mismatches.slice(0, options.show)) console.log(`${formatLive(m)}\n`);
  console.log(`live, kube-apiserver ${kubeVersion}, seed ${options.seed}: ${sent} requests under ${policies} policies (${skippedPolicies} not runnable)`);
  console.log(`conformance: ${policies} cases, ${mismatches.length} mismatches`);
  return mismatches.length > 0 || policies < options.cases ? 1 : 0;
}
