// Gathers the observe() calls made in one turn of the event loop (matchers of
// one test, tests running concurrently) into one batch per policy, so a batch
// pays for one barrier instead of one per request.
import type { AuditRequest, HttpRequest } from '../request/types.js';
import type { EndToEndObserver, ObservedResult } from '../vitest/observer.js';
import type { EndToEndTally } from './tally.js';

export type RunBatch = (policyFile: string, requests: HttpRequest[]) => Promise<ObservedResult[]>;
export type Announce = (policyFile: string) => Promise<void>;
export type SendTally = (counts: EndToEndTally) => Promise<void>;

interface Waiting {
  request: HttpRequest;
  resolve: (result: ObservedResult) => void;
  reject: (err: unknown) => void;
}

export class BatchingObserver implements EndToEndObserver {
  private readonly waiting = new Map<string, Waiting[]>();
  private scheduled = false;

  private readonly announced = new Set<string>();

  constructor(
    readonly backend: string,
    private readonly runBatch: RunBatch,
    private readonly hooks: { announce?: Announce; tally?: SendTally } = {},
  ) {}

  /** Passes each policy on once; a lost announcement only costs the time it would have saved. */
  announce(policyFile: string): void {
    if (!this.hooks.announce || this.announced.has(policyFile)) return;
    this.announced.add(policyFile);
    this.hooks.announce(policyFile).catch(() => {});
  }

  /** Fulfils EndToEndObserver.tally: hands the counts on to where the run adds them up. */
  async tally(counts: EndToEndTally): Promise<void> {
    await this.hooks.tally?.(counts);
  }

  observe(policyFile: string, request: AuditRequest): Promise<ObservedResult> {
    const http = request.http;
    if (!http) {
      return Promise.reject(
        new Error(`${request.label}: the request has no HTTP form, so it cannot be sent to kube-apiserver (${this.backend})`),
      );
    }
    return new Promise((resolve, reject) => {
      const list = this.waiting.get(policyFile) ?? [];
      list.push({ request: http, resolve, reject });
      this.waiting.set(policyFile, list);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batches = [...this.waiting.entries()];
    this.waiting.clear();
    for (const [policyFile, list] of batches) {
      this.runBatch(
        policyFile,
        list.map((w) => w.request),
      ).then(
        (results) => list.forEach((w, i) => w.resolve(results[i])),
        (err) => list.forEach((w) => w.reject(err)),
      );
    }
  }
}
