// Vitest runs tests in worker processes that cannot call into the process that
// ran globalSetup. That process owns the one cluster of the run and serves it to
// the workers over a loopback HTTP server guarded by a random token; the
// session's queue serialises batches (and so policy switches) from all workers.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { HttpRequest } from '../request/types.js';
import type { ObservedResult } from '../vitest/observer.js';
import { ClusterError } from '../clusters/types.js';
import type { AuditSession } from './session.js';
import { addTally, emptyTally, type EndToEndTally } from './tally.js';

export interface CoordinatorAddress {
  url: string;
  token: string;
  backend: string;
}

export interface ObserveBatchRequest {
  policyFile: string;
  requests: HttpRequest[];
}

export interface AnnounceRequest {
  policyFile: string;
}

export type ObserveBatchResponse = { results: ObservedResult[] } | { error: { message: string; name: string } };

const MAX_BODY = 64 * 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export class Coordinator {
  private constructor(
    private readonly server: Server,
    readonly address: CoordinatorAddress,
    /** What the workers proved so far (POST /tally after each test). */
    readonly tally: EndToEndTally,
  ) {}

  static async start(session: AuditSession): Promise<Coordinator> {
    const token = randomBytes(24).toString('hex');
    const tally = emptyTally();
    const expected = Buffer.from(`Bearer ${token}`);
    const server = createServer(async (req, res) => {
      const auth = Buffer.from(req.headers.authorization ?? '');
      if (auth.length !== expected.length || !timingSafeEqual(auth, expected)) {
        res.writeHead(401).end();
        return;
      }
      if (req.method === 'POST' && req.url === '/announce') {
        try {
          session.announce((JSON.parse(await readBody(req)) as AnnounceRequest).policyFile);
          res.writeHead(204).end();
        } catch {
          res.writeHead(400).end();
        }
        return;
      }
      if (req.method === 'POST' && req.url === '/tally') {
        try {
          addTally(tally, JSON.parse(await readBody(req)) as EndToEndTally);
          res.writeHead(204).end();
        } catch {
          res.writeHead(400).end();
        }
        return;
      }
      if (req.method !== 'POST' || req.url !== '/observe') {
        res.writeHead(404).end();
        return;
      }
      let reply: ObserveBatchResponse;
      try {
        const body = JSON.parse(await readBody(req)) as ObserveBatchRequest;
        const outcomes = await session.run(body.policyFile, body.requests);
        reply = { results: outcomes.map(({ auditID, status, level, stages }) => ({ auditID, status, level, stages })) };
      } catch (err) {
        const e = err as Error;
        reply = { error: { message: e?.message ?? String(err), name: e?.name ?? 'Error' } };
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
    });
    // Batches may wait on a cold start or a go build: no server-side timeouts.
    server.requestTimeout = 0;
    server.headersTimeout = 0;
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    return new Coordinator(server, { url: `http://127.0.0.1:${port}`, token, backend: session.backendName }, tally);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** One authenticated POST to the coordinator (node:http, which has no response deadline: a batch may wait on a build). */
function post(address: CoordinatorAddress, path: string, body: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const req = httpRequest(
      `${address.url}${path}`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${address.token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if (res.statusCode !== 200 && res.statusCode !== 204) reject(new Error(`auditspec end-to-end coordinator answered HTTP ${res.statusCode}`));
          else resolve(Buffer.concat(chunks).toString('utf8'));
        });
        res.on('error', reject);
      },
    );
    req.on('error', (err) => reject(new Error(`cannot reach the auditspec end-to-end coordinator: ${err.message}`)));
    req.end(body);
  });
}

/** The worker side: one POST per batch. */
export async function observeThroughCoordinator(
  address: CoordinatorAddress,
  policyFile: string,
  requests: HttpRequest[],
): Promise<ObservedResult[]> {
  const text = await post(address, '/observe', JSON.stringify({ policyFile, requests } satisfies ObserveBatchRequest));
  const reply = JSON.parse(text) as ObserveBatchResponse;
  if ('error' in reply) {
    throw reply.error.name === 'ClusterError' ? new ClusterError(reply.error.message) : new Error(reply.error.message);
  }
  return reply.results;
}

/** The worker side of AuditSession.announce: one small POST, answered at once. */
export async function announceThroughCoordinator(address: CoordinatorAddress, policyFile: string): Promise<void> {
  await post(address, '/announce', JSON.stringify({ policyFile } satisfies AnnounceRequest));
}

/** The worker side: adds one test's counts to the run's. */
export async function tallyThroughCoordinator(address: CoordinatorAddress, counts: EndToEndTally): Promise<void> {
  await post(address, '/tally', JSON.stringify(counts));
}
