// An HTTPS endpoint for kube-apiserver's audit webhook backend
// (--audit-webhook-config-file): kube-apiserver POSTs audit.k8s.io/v1 EventLists
// to it, so the events of a cluster auditspec cannot read files on arrive
// without any file access.
//
// What kube-apiserver's webhook backend does (k8s.io/apiserver
// plugin/pkg/audit/buffered and webhook, v0.36.4), and what follows for us:
//
// - batch mode (the default) collects events in arrival order into batches (up
//   to --audit-webhook-batch-max-size, or whatever arrived within
//   --audit-webhook-batch-max-wait, 30s by default) and sends EACH BATCH FROM ITS
//   OWN GOROUTINE. Batches are cut in order, but nothing orders their delivery:
//   a later batch can arrive first, and a failed POST is retried after
//   --audit-webhook-initial-backoff (10s) while later batches go through. So
//   seeing the sentinel's event does not prove every earlier event has arrived.
// - a POST whose response kube-apiserver did not see is retried: the same
//   events arrive twice. Events are deduplicated by auditID + stage (a request
//   writes each stage at most once).
// - blocking / blocking-strict modes send from the request's own goroutine
//   before it is answered; there the order is the log's.
//
// The barrier therefore holds the sentinel's events back (readNewEvents returns
// every other event at once) until the receiver has settled: no POST in flight,
// `settleMs` since the sentinel arrived (later batches cut before it were
// already handed to their goroutines; this covers their scheduling), and, when
// a delivery failed on our side recently (a POST we refused or that broke off),
// `retryWaitMs` since that failure, to let kube-apiserver's retry land. A POST
// kube-apiserver could not even connect for is invisible here; keep the
// receiver up before kube-apiserver sends (see docs/ci.md).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SENTINEL_USER } from '../../../e2e/sentinel.js';
import type { AuditEvent } from '../../types.js';
import { generateReceiverTls, webhookKubeconfigFor } from './identity.js';

const MAX_BODY_BYTES = 256 * 1024 * 1024;
export const DEFAULT_SETTLE_MS = 1000;
/** kube-apiserver's default --audit-webhook-initial-backoff is 10s, with jitter. */
export const DEFAULT_RETRY_WAIT_MS = 15_000;
/**
 * How long an event's key is remembered to drop its redelivery. kube-apiserver
 * retries a failed batch with exponential backoff from 10s (client-go's
 * default, a handful of attempts), so a redelivery comes within minutes; past
 * that, keys are forgotten and memory stays bounded however long a run lasts.
 */
export const DEDUP_WINDOW_MS = 10 * 60_000;

export interface WebhookReceiverOptions {
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
  /** Port to listen on (default: any free one). */
  port?: number;
  /** The URL kube-apiserver posts to; default https://<host>:<port>/audit-events. */
  url?: string;
  /** Serving certificate and key (PEM) plus the CA that signed it; generated for the URL's host when absent. */
  tls?: { cert: string; key: string; ca: string };
  /** The bearer token kube-apiserver must present; random when absent. */
  token?: string;
  settleMs?: number;
  retryWaitMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

export interface ReceiverStats {
  batches: number;
  events: number;
  duplicates: number;
  /** POSTs refused for a missing or wrong bearer token. */
  unauthorized: number;
  /** TLS handshakes that failed (kube-apiserver not trusting our CA shows up here). */
  tlsErrors: number;
  /** POSTs refused or broken off: kube-apiserver will retry them. */
  failedDeliveries: number;
  lastProblem?: string;
  /**
   * Events that arrived while a sentinel event was already here: without the
   * hold-back, the barrier would have declared them absent.
   */
  afterSentinel: number;
  /** When the first batch arrived (ms since epoch). */
  firstBatchAt?: number;
}

interface Received {
  event: AuditEvent;
  at: number;
}

function isSentinel(event: AuditEvent): boolean {
  const user = event.user as { username?: unknown } | undefined;
  return user?.username === SENTINEL_USER;
}

export class AuditWebhookReceiver {
  readonly stats: ReceiverStats = { batches: 0, events: 0, duplicates: 0, unauthorized: 0, tlsErrors: 0, failedDeliveries: 0, afterSentinel: 0 };
  /** auditID + stage → when it arrived, oldest first (Map keeps insertion order), for DEDUP_WINDOW_MS. */
  private readonly seen = new Map<string, number>();
  private pending: Received[] = [];
  private inFlight = 0;
  private lastFailureAt = Number.NEGATIVE_INFINITY;
  private readonly expected: Buffer;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    /** The CA kube-apiserver must trust (certificate-authority-data of its webhook kubeconfig). */
    readonly caCertificate: string,
    readonly token: string,
    private readonly settleMs: number,
    private readonly retryWaitMs: number,
    private readonly now: () => number,
  ) {
    this.expected = Buffer.from(`Bearer ${token}`);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.handle(req, res));
    server.on('tlsClientError', (err: Error) => {
      this.stats.tlsErrors++;
      this.stats.lastProblem = `TLS handshake failed: ${err.message}`;
    });
  }

  static async start(options: WebhookReceiverOptions = {}): Promise<AuditWebhookReceiver> {
    const host = options.host ?? '127.0.0.1';
    const urlHost = options.url ? new URL(options.url).hostname.replace(/^\[|\]$/g, '') : host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
    const tls = options.tls ?? (await generateReceiverTls(urlHost));
    const server = createServer({ cert: tls.cert, key: tls.key });
    // Batches may be large and slow to upload; kube-apiserver times its own requests out.
    server.requestTimeout = 0;
    server.headersTimeout = 60_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const port = (server.address() as AddressInfo).port;
    const formattedHost = urlHost.includes(':') ? `[${urlHost}]` : urlHost;
    const url = options.url ?? `https://${formattedHost}:${port}/audit-events`;
    return new AuditWebhookReceiver(
      server,
      url,
      tls.ca,
      options.token ?? randomBytes(24).toString('hex'),
      options.settleMs ?? DEFAULT_SETTLE_MS,
      options.retryWaitMs ?? DEFAULT_RETRY_WAIT_MS,
      options.now ?? Date.now,
    );
  }

  /** The port actually listened on. */
  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** The kubeconfig kube-apiserver's --audit-webhook-config-file must point at. */
  webhookKubeconfig(): string {
    return webhookKubeconfigFor({ url: this.url, ca: this.caCertificate, token: this.token });
  }

  /**
   * Events received since the previous call, in arrival order, duplicates
   * removed; the sentinel's events only once the receiver has settled (see the
   * top of this file), after everything else that arrived before them.
   */
  readNewEvents(): AuditEvent[] {
    const now = this.now();
    const settled =
      this.inFlight === 0 && now - this.lastFailureAt >= this.retryWaitMs;
    const out: AuditEvent[] = [];
    const held: Received[] = [];
    for (const item of this.pending) {
      if (isSentinel(item.event) && !(settled && now - item.at >= this.settleMs)) held.push(item);
      else out.push(item.event);
    }
    // A released sentinel goes after every other event returned with it.
    out.sort((a, b) => Number(isSentinel(a)) - Number(isSentinel(b)));
    this.pending = held;
    return out;
  }

  /** Takes one EventList (exported for tests: what a POST body delivers). */
  accept(body: unknown): { accepted: number; duplicates: number } {
    const list = body as { items?: unknown; apiVersion?: unknown };
    if (!Array.isArray(list?.items)) throw new Error('not an audit.k8s.io EventList (no items)');
    const apiVersion = typeof list.apiVersion === 'string' ? list.apiVersion : 'audit.k8s.io/v1';
    const at = this.now();
    let accepted = 0;
    let duplicates = 0;
    const sentinelWaiting = this.pending.some((p) => isSentinel(p.event));
    for (const item of list.items) {
      if (typeof item?.auditID !== 'string' || typeof item.stage !== 'string') continue;
      // Items of a list carry no type of their own; the log file's lines do. Give
      // them the list's, so an event reads the same whichever way it came.
      const event = { kind: 'Event', apiVersion, ...item } as AuditEvent;
      const key = `${event.auditID}\u0000${event.stage}`;
      if (this.seen.has(key)) {
        duplicates++;
        continue;
      }
      this.seen.set(key, at);
      this.pending.push({ event, at });
      accepted++;
      if (sentinelWaiting && !isSentinel(event)) this.stats.afterSentinel++;
    }
    this.forgetOldKeys(at);
    this.stats.batches++;
    this.stats.events += accepted;
    this.stats.duplicates += duplicates;
    this.stats.firstBatchAt ??= at;
    return { accepted, duplicates };
  }

  /** Keys remembered for deduplication (bounded by DEDUP_WINDOW_MS). */
  get remembered(): number {
    return this.seen.size;
  }

  private forgetOldKeys(now: number): void {
    for (const [key, at] of this.seen) {
      if (now - at < DEDUP_WINDOW_MS) break;
      this.seen.delete(key);
    }
  }

  private failed(problem: string): void {
    this.stats.failedDeliveries++;
    this.stats.lastProblem = problem;
    this.lastFailureAt = this.now();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.inFlight++;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      this.inFlight--;
    };
    res.on('close', () => {
      if (!res.writableFinished) this.failed('a delivery broke off before it was acknowledged');
      finish();
    });
    const auth = Buffer.from(req.headers.authorization ?? '');
    if (auth.length !== this.expected.length || !timingSafeEqual(auth, this.expected)) {
      this.stats.unauthorized++;
      this.failed('a POST came without the expected bearer token (is kube-apiserver using the webhook kubeconfig auditspec wrote?)');
      res.writeHead(401).end();
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        this.failed(`a batch exceeded ${MAX_BODY_BYTES} bytes`);
        res.writeHead(413).end();
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (res.headersSent) return;
      try {
        this.accept(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch (err) {
        this.failed(`a batch could not be read: ${(err as Error).message}`);
        res.writeHead(400, { 'content-type': 'text/plain' }).end((err as Error).message);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    req.on('error', () => finish());
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
