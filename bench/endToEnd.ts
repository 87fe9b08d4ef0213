// The local backend's costs as a spec run feels them: bringing up a control
// plane (etcd + kube-apiserver, per-run CA) from nothing, switching the running
// kube-apiserver to another policy — the pause a suite sees when the next
// policy was announced (its kube-apiserver started ahead, beside the running
// one, while a batch of the current policy ran), and the switch without that —
// and verifying requests end to end in a batch (send each as its identity,
// then read the log up to the sentinel).
// Each request's logged level and stages are also checked against the offline
// decision, so a fast but wrong run cannot pass for a result.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { compilePolicy, evaluatePolicy } from '../src/audit/policy/checker.js';
import { loadPolicy } from '../src/audit/policy/load.js';
import { ensureBinaries, type Binaries } from '../src/binaries/index.js';
import { LocalControlPlane } from '../src/clusters/local/index.js';
import { AuditSession } from '../src/e2e/session.js';
import { attributesFromHttp } from '../src/request/attributes.js';
import type { HttpRequest, Identity } from '../src/request/types.js';
import { measured, type Measured } from './stats.js';

export interface EndToEndOptions {
  /** The policy batches run under, and the one switched to and back from. */
  policyFile: string;
  otherPolicyFile: string;
  /** Cold starts measured (each a full start and stop). */
  starts: number;
  /** Policy switches measured (alternating between the two policies). */
  switches: number;
  /** Timed batches after one warm-up batch. */
  batches: number;
  batchSize: number;
  log?: (line: string) => void;
}

export type EndToEndResult =
  | { skipped: string }
  | {
      skipped?: undefined;
      coldStartSeconds: Measured;
      /** The pause between a batch under one policy and the first under the next, the next announced ahead. */
      policySwitchSeconds: Measured;
      /** A switch nothing announced: kube-apiserver started then. */
      unannouncedSwitchSeconds: Measured;
      /** Resident memory of the extra kube-apiserver a prepared switch keeps running (MiB). */
      standbyMiB: Measured;
      /** Where the time went, phase by phase as the local backend records it (seconds). */
      coldStartPhases: Record<string, Measured>;
      policySwitchPhases: Record<string, Measured>;
      msPerRequest: Measured;
      /** Requests whose logged level and stages were checked against evaluatePolicy, and how many agreed. */
      checked: number;
      agreed: number;
      binaries: string;
    };

const user = (name: string, groups: string[]): Identity => ({ kind: 'user', name, groups });

// Ordinary (not long-running) requests of the usual callers: long-running ones
// (watch, exec, logs) are held open by design and would measure the stream grace
// period rather than auditspec.
const TRAFFIC: readonly HttpRequest[] = [
  { method: 'GET', url: '/api/v1/namespaces/default/pods', identity: user('alice', ['dev']) },
  { method: 'GET', url: '/api/v1/nodes/node-1', identity: user('system:node:node-1', ['system:nodes']) },
  { method: 'GET', url: '/api/v1/namespaces/kube-system/configmaps/kube-root-ca.crt', identity: user('system:kube-controller-manager', []) },
  { method: 'GET', url: '/apis/apps/v1/deployments?limit=10', identity: user('admin', ['system:masters']) },
  { method: 'GET', url: '/api/v1/namespaces/default/secrets/db', identity: user('bob', ['ops']) },
  { method: 'DELETE', url: '/api/v1/namespaces/default/configmaps/settings', identity: user('admin', ['system:masters']) },
  { method: 'GET', url: '/healthz', identity: { kind: 'anonymous' } },
  { method: 'GET', url: '/version', identity: user('alice', ['dev']) },
  { method: 'GET', url: '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-scheduler', identity: user('system:kube-scheduler', []) },
  { method: 'GET', url: '/api/v1/namespaces/default/pods', identity: { kind: 'failed-authentication' } },
  {
    method: 'GET',
    url: '/api/v1/namespaces/prod/pods',
    identity: { kind: 'impersonating', caller: { name: 'ci-bot', groups: ['ci'] }, as: { name: 'deployer', groups: [] } },
  },
];

function batch(size: number, offset: number): HttpRequest[] {
  return Array.from({ length: size }, (_, i) => TRAFFIC[(offset + i) % TRAFFIC.length]);
}

/** Per phase name, the seconds of every sample that has it. */
function phaseFigures(samples: readonly Record<string, number>[]): Record<string, Measured> {
  const byPhase = new Map<string, number[]>();
  for (const sample of samples) {
    for (const [phase, ms] of Object.entries(sample)) byPhase.set(phase, [...(byPhase.get(phase) ?? []), ms / 1000]);
  }
  return Object.fromEntries([...byPhase].map(([phase, seconds]) => [phase, measured(seconds)]));
}

/** VmRSS of a process, MiB. */
function residentMiB(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb ?? 0) / 1024;
}

function localPlane(session: AuditSession): LocalControlPlane {
  const plane = session.current;
  if (!(plane instanceof LocalControlPlane)) throw new Error('the session does not run on the local backend');
  return plane;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, seconds: (performance.now() - start) / 1000 };
}

export async function measureEndToEnd(options: EndToEndOptions): Promise<EndToEndResult> {
  const log = options.log ?? (() => {});
  let binaries: Binaries;
  try {
    binaries = await ensureBinaries({ log });
  } catch (err) {
    return { skipped: `kube-apiserver/etcd unavailable: ${(err as Error).message.split('\n')[0]}` };
  }
  const compiled = compilePolicy(loadPolicy({ file: options.policyFile }).policy);

  // Cold starts: binaries already at hand, everything else from nothing, through
  // the session as a spec run does it. All but the last session are stopped at
  // once; the last one serves the rest. The figure is the control plane's own
  // (start() to kube-apiserver ready), which leaves out checking the binaries.
  const starts: number[] = [];
  const startPhases: Record<string, number>[] = [];
  let session: AuditSession | undefined;
  try {
    for (let i = 0; i < Math.max(1, options.starts); i++) {
      await session?.stop();
      session = new AuditSession('local', { apiserverBin: binaries.kubeApiserver, etcdBin: binaries.etcd, prepareAhead: false });
      await session.use(options.policyFile);
      const plane = localPlane(session);
      if (plane.timings.coldStartMs === undefined) throw new Error('the local backend did not report its cold start time');
      starts.push(plane.timings.coldStartMs / 1000);
      startPhases.push({ ...plane.timings.phases });
      log(`cold start ${i + 1}/${options.starts}: ${(plane.timings.coldStartMs / 1000).toFixed(1)} s`);
    }
    const live = session!;
    const switches: number[] = [];
    const switchPhases: Record<string, number>[] = [];
    for (let i = 0; i < options.switches; i++) {
      const to = i % 2 === 0 ? options.otherPolicyFile : options.policyFile;
      const { seconds } = await timed(() => live.use(to));
      switches.push(seconds);
      switchPhases.push({ ...localPlane(live).timings.phases });
      log(`policy switch ${i + 1}/${options.switches}: ${seconds.toFixed(1)} s`);
    }
    // Back on the batch policy (untimed when the switches left it elsewhere).
    await live.use(options.policyFile);

    // The same switches with the next policy announced while a batch of the
    // current one runs, as describePolicy announces at collection.
    const announcedSession = new AuditSession('local', { cluster: localPlane(live) });
    const pauses: number[] = [];
    const standbyMiB: number[] = [];
    let current = options.policyFile;
    for (let i = 0; i < options.switches; i++) {
      const to = current === options.policyFile ? options.otherPolicyFile : options.policyFile;
      announcedSession.announce(to);
      await announcedSession.run(current, batch(options.batchSize, i));
      const pid = await localPlane(live).standbyPid();
      if (pid !== undefined) standbyMiB.push(residentMiB(pid));
      const { seconds } = await timed(() => announcedSession.use(to));
      pauses.push(seconds);
      log(`announced policy switch ${i + 1}/${options.switches}: ${seconds.toFixed(2)} s`);
      current = to;
    }
    await announcedSession.use(options.policyFile);

    let checked = 0;
    let agreed = 0;
    const perRequest: number[] = [];
    for (let b = 0; b <= options.batches; b++) {
      const requests = batch(options.batchSize, b * options.batchSize);
      const { value: outcomes, seconds } = await timed(() => live.run(options.policyFile, requests));
      // Batch 0 warms up connections and mints the client certificates.
      if (b > 0) perRequest.push((seconds * 1000) / requests.length);
      outcomes.forEach((outcome, i) => {
        const expected = evaluatePolicy(compiled, attributesFromHttp(requests[i]));
        checked++;
        if (outcome.level === expected.level && outcome.stages.join() === expected.stages.join()) agreed++;
      });
    }
    return {
      coldStartSeconds: measured(starts),
      policySwitchSeconds: measured(pauses),
      unannouncedSwitchSeconds: measured(switches),
      standbyMiB: measured(standbyMiB.length > 0 ? standbyMiB : [0]),
      coldStartPhases: phaseFigures(startPhases),
      policySwitchPhases: phaseFigures(switchPhases),
      msPerRequest: measured(perRequest),
      checked,
      agreed,
      binaries: `kube-apiserver ${binaries.versions.kubeApiserver}, etcd ${binaries.versions.etcd} (${binaries.source})`,
    };
  } finally {
    await session?.stop();
  }
}

export interface ContainersTimingOptions {
  policyFile: string;
  otherPolicyFile: string;
  starts: number;
  switches: number;
  log?: (line: string) => void;
}

export type ContainersTimingResult =
  | { skipped: string }
  | { skipped?: undefined; coldStartSeconds: Measured; policySwitchSeconds: Measured; images: string };

/**
 * The containers backend's cold start and policy switch, beside the local
 * backend's: wall-clock time of the session's first `use` (network, etcd and
 * kube-apiserver containers, readiness, the impersonation grant) and of each
 * switch (a new kube-apiserver container on the same etcd).
 */
export async function measureContainers(options: ContainersTimingOptions): Promise<ContainersTimingResult> {
  const log = options.log ?? (() => {});
  const { ContainersCluster } = await import('../src/clusters/containers/index.js');
  try {
    const { dockerClient } = await import('../src/clusters/containers/runtime.js');
    await dockerClient();
  } catch (err) {
    return { skipped: (err as Error).message.split('\n')[0] };
  }
  const starts: number[] = [];
  const switches: number[] = [];
  let images = '';
  let session: AuditSession | undefined;
  try {
    for (let i = 0; i < Math.max(1, options.starts); i++) {
      await session?.stop();
      session = new AuditSession('containers', {});
      const { seconds } = await timed(() => session!.use(options.policyFile));
      starts.push(seconds);
      const cluster = session.current;
      if (cluster instanceof ContainersCluster) images = `${cluster.apiserverImage.image}, ${cluster.etcdImage.image}`;
      log(`containers cold start ${i + 1}/${options.starts}: ${seconds.toFixed(1)} s`);
    }
    const live = session!;
    for (let i = 0; i < options.switches; i++) {
      const to = i % 2 === 0 ? options.otherPolicyFile : options.policyFile;
      const { seconds } = await timed(() => live.use(to));
      switches.push(seconds);
      log(`containers policy switch ${i + 1}/${options.switches}: ${seconds.toFixed(1)} s`);
    }
    return { coldStartSeconds: measured(starts), policySwitchSeconds: measured(switches), images };
  } finally {
    await session?.stop();
  }
}
