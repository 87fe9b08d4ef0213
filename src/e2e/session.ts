// An end-to-end session on one backend: it keeps one cluster for many policies,
// runs batches of requests and tells, for each, what kube-apiserver logged. All
// batches go through one queue, so a policy switch never happens while requests
// of another policy are in flight.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HttpRequest } from '../request/types.js';
import type { ObservedResult } from '../vitest/observer.js';
import { clusterBackend } from '../clusters/index.js';
import { type AuditEvent, type Cluster, ClusterError, type ClusterStartOptions, type PolicyToInstall } from '../clusters/types.js';
import { isModuleDirectory } from '../audit/modules/discover.js';
import { loadPolicy } from '../audit/policy/load.js';
import { PolicyLoadError } from '../audit/policy/reader.js';
import { summariseEvents } from './events.js';
import { SENTINEL_USER, sentinelRequest, withSentinelRule } from './sentinel.js';

const BARRIER_TIMEOUT_MS = 60_000;
const SEND_CONCURRENCY = 8;
/** How many announced policies are prepared at once: kube-apiserver starts overlap well on two cores. */
const PREPARE_AHEAD = 2;

export interface SessionOptions extends ClusterStartOptions {
  /** Overrides the backend's start (tests). */
  cluster?: Cluster;
  /** Start the next policy's kube-apiserver ahead where the backend can (default true; see announce). */
  prepareAhead?: boolean;
}

export interface ProbeOutcome extends ObservedResult {
  /** The response did not end by itself and was closed by auditspec (watch, stream). */
  streamed: boolean;
  /** The request's events as kube-apiserver wrote them, in log order. */
  events: AuditEvent[];
}

export interface RunOptions {
  sequential?: boolean;
}

interface PreparedPolicy {
  install: PolicyToInstall;
  sentinelLogged: boolean;
  /** Content, to notice a file edited between two uses. */
  text: string;
  /** Why the sentinel rule could not be added, if it could not. */
  problem?: string;
}

export class AuditSession {
  private cluster: Cluster | undefined;
  private installed: PreparedPolicy | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private stopped = false;
  /** Policies announced as coming (announce), in order, not yet run since. */
  private upcoming: string[] = [];
  /** The policy that ran before the current one: with nothing announced, the likeliest next. */
  private previous: string | undefined;

  constructor(
    readonly backendName: string,
    private readonly options: SessionOptions = {},
  ) {
    this.cluster = options.cluster;
  }

  /** The running cluster, once a batch has started it. */
  get current(): Cluster | undefined {
    return this.cluster;
  }

  /**
   * Sends `requests` to a kube-apiserver running `policyFile`; results in input order.
   * Requests are sent concurrently unless `sequential` (then one after the other, in order).
   */
  run(policyFile: string, requests: readonly HttpRequest[], options: RunOptions = {}): Promise<ProbeOutcome[]> {
    const job = this.queue.then(() => this.runNow(resolve(policyFile), requests, options));
    this.queue = job.catch(() => {});
    return job;
  }

  /** Starts (or switches) the cluster for `policyFile` without sending anything. */
  use(policyFile: string): Promise<void> {
    const job = this.queue.then(() => this.ensurePolicy(resolve(policyFile)));
    this.queue = job.catch(() => {});
    return job;
  }

  /**
   * Says that `policyFile` will be used later (Vitest announces every
   * describePolicy at collection): once the cluster runs another policy, the
   * next announced one is prepared beside it (Cluster.prepare), so switching
   * to it costs a swap rather than a start.
   */
  announce(policyFile: string): void {
    const file = resolve(policyFile);
    if (!this.upcoming.includes(file)) this.upcoming.push(file);
    this.prepareNext();
  }

  /**
   * Prepares the first PREPARE_AHEAD announced policies that are not the one
   * running, else the one that ran before it (suites that alternate), when the
   * backend can.
   */
  private prepareNext(): void {
    const cluster = this.cluster;
    if (!cluster?.prepare || this.stopped || this.options.prepareAhead === false) return;
    const current = this.installed?.install.file;
    let next = this.upcoming.filter((file) => file !== current).slice(0, PREPARE_AHEAD);
    if (next.length === 0 && this.previous !== undefined && this.previous !== current) next = [this.previous];
    for (const file of next) {
      void this.prepare(file)
        .then((prepared) => (prepared.problem ? undefined : cluster.prepare!(prepared.install)))
        .catch(() => {});
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.queue;
    await this.cluster?.stop();
  }

  private async prepare(policyFile: string): Promise<PreparedPolicy> {
    // A module directory is mounted as its composed policy, exactly what `auditspec build` writes.
    let text: string;
    try {
      text = isModuleDirectory(policyFile) ? loadPolicy({ file: policyFile }).text : await readFile(policyFile, 'utf8');
    } catch (err) {
      if (err instanceof PolicyLoadError) throw new ClusterError(err.message, [], true);
      throw new ClusterError(`cannot read the policy ${policyFile}: ${(err as Error).message}`);
    }
    const sentinel = withSentinelRule(text);
    // A policy the sentinel cannot be added to is handed over as it is: the backend
    // lets kube-apiserver judge the user's file first, and that verdict (e.g. "0 rules")
    // is the message the user must see. Only a policy kube-apiserver accepts and we
    // cannot extend is our own error, raised below.
    return {
      install: { file: policyFile, withSentinel: sentinel.ok ? sentinel.text : text },
      sentinelLogged: sentinel.ok ? sentinel.sentinelLogged : false,
      text,
      problem: sentinel.ok ? undefined : sentinel.problem,
    };
  }

  private async ensurePolicy(policyFile: string): Promise<void> {
    if (this.stopped) throw new ClusterError('the end-to-end session has been stopped');
    const prepared = await this.prepare(policyFile);
    if (this.cluster && this.installed?.install.file === policyFile && this.installed.text === prepared.text && !prepared.problem) {
      return;
    }
    if (!this.cluster) {
      const backend = await clusterBackend(this.backendName);
      this.cluster = await backend.start(prepared.install, this.options);
    } else {
      await this.cluster.switchPolicy(prepared.install);
    }
    if (this.installed && this.installed.install.file !== policyFile) this.previous = this.installed.install.file;
    this.installed = prepared;
    this.upcoming = this.upcoming.filter((file) => file !== policyFile);
    this.prepareNext();
    if (prepared.problem) {
      // kube-apiserver accepted it, but without the sentinel no absence can be proven.
      this.installed = undefined;
      throw new ClusterError(`auditspec cannot add its sentinel rule to ${policyFile}: ${prepared.problem}`);
    }
  }

  private async runNow(policyFile: string, requests: readonly HttpRequest[], options: RunOptions): Promise<ProbeOutcome[]> {
    for (const request of requests) {
      const caller =
        request.identity.kind === 'user' ? request.identity.name : request.identity.kind === 'impersonating' ? request.identity.caller.name : '';
      if (caller === SENTINEL_USER) {
        throw new ClusterError(`the user "${SENTINEL_USER}" is reserved for auditspec's barrier; use another name (${request.method} ${request.url})`);
      }
    }
    await this.ensurePolicy(policyFile);
    const cluster = this.cluster!;
    const prepared = this.installed!;
    const ids = requests.map(() => randomUUID());
    const responses = new Array<{ status: number; streamed: boolean }>(requests.length);
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const i = next++;
        responses[i] = await cluster.send(requests[i], { auditID: ids[i] });
      }
    };
    const concurrency = options.sequential ? 1 : SEND_CONCURRENCY;
    await Promise.all(Array.from({ length: Math.min(concurrency, requests.length) }, worker));
    const events = await this.collect(cluster, new Set(ids), prepared.sentinelLogged);
    return requests.map((_, i) => {
      const written = events.get(ids[i]) ?? [];
      const summary = summariseEvents(written);
      return {
        auditID: ids[i],
        status: responses[i].status,
        level: summary.level,
        stages: summary.stages,
        streamed: responses[i].streamed,
        events: written,
      };
    });
  }

  /**
   * Reads the log up to the sentinel's first event: every event of the batch
   * was written before it (see sentinel.ts).
   */
  private async collect(cluster: Cluster, wanted: Set<string>, sentinelLogged: boolean): Promise<Map<string, AuditEvent[]>> {
    const found = new Map<string, AuditEvent[]>();
    const keep = (events: AuditEvent[], sentinelID?: string): boolean => {
      let seen = false;
      for (const event of events) {
        if (event.auditID === sentinelID) seen = true;
        else if (wanted.has(event.auditID)) {
          const list = found.get(event.auditID);
          if (list) list.push(event);
          else found.set(event.auditID, [event]);
        }
      }
      return seen;
    };
    if (!sentinelLogged) {
      // The policy omits every stage a request could write; nothing can appear.
      keep(await cluster.readNewEvents());
      return found;
    }
    const barrier = async () => {
      const sentinelID = `auditspec-sentinel-${randomUUID()}`;
      await cluster.send(sentinelRequest(), { auditID: sentinelID });
      const deadline = Date.now() + BARRIER_TIMEOUT_MS;
      for (;;) {
        if (keep(await cluster.readNewEvents(), sentinelID)) return;
        if (Date.now() > deadline) {
          throw new ClusterError(`the sentinel request's audit event did not appear within ${BARRIER_TIMEOUT_MS / 1000}s`);
        }
        await sleep(10);
      }
    };
    await barrier();
    // Twice: kube-apiserver writes a request's last event in a deferred call once
    // its handler has returned (WithAudit, k8s.io/apiserver/pkg/endpoints/filters/audit.go),
    // and a response with a Content-Length can be complete for the client a
    // moment before that, so a first sentinel can, rarely, be logged ahead of
    // it (seen once in ~1 700 requests on kind). A second round trip closes that
    // window in practice; it is not a proof, see the README's end-to-end section.
    await barrier();
    return found;
  }
}
