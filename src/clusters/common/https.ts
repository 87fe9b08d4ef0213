// Sends one request over HTTPS exactly as given (method, path and query
// untouched) and waits until kube-apiserver has finished handling it.
//
// kube-apiserver writes a request's last audit event before its handler returns,
// and only then does the Go HTTP server finish the response (final chunk or
// buffered body), so reading the response to its end means the events are
// written. A response that does not end by itself (a watch, a followed log) is
// a stream: after STREAM_GRACE_MS auditspec half-closes its side; the server
// sees EOF, cancels the request, the handler returns (writing
// ResponseComplete), and the server closes the connection — which is what we
// wait for. So "done" always means kube-apiserver finished the request, without
// guessing a delay.
import { Agent, request as httpsRequest } from 'node:https';
import type { SentResponse } from '../types.js';

export const STREAM_GRACE_MS = 1000;
const REQUEST_TIMEOUT_MS = 60_000;

export interface HttpsTarget {
  host: string;
  port: number;
  agent: Agent;
}

export interface HttpsCall {
  method: string;
  /** Path plus query, sent verbatim. */
  path: string;
  headers: Record<string, string | string[]>;
  body?: string;
}

export function sendHttps(target: HttpsTarget, call: HttpsCall): Promise<SentResponse> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (err: Error | undefined, value?: SentResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(overall);
      if (err) reject(err);
      else resolve(value!);
    };
    const headers: Record<string, string | string[]> = { ...call.headers };
    if (call.body !== undefined) headers['content-length'] = String(Buffer.byteLength(call.body));
    let req: ReturnType<typeof httpsRequest>;
    try {
      req = httpsRequest({
        host: target.host,
        port: target.port,
        method: call.method,
        path: call.path,
        headers,
        agent: target.agent,
      });
    } catch (err) {
      // e.g. a path with characters HTTP does not allow unescaped
      reject(err);
      return;
    }
    const overall = setTimeout(() => {
      req.destroy(new Error(`no complete response to ${call.method} ${call.path} within ${REQUEST_TIMEOUT_MS / 1000}s`));
    }, REQUEST_TIMEOUT_MS);
    req.on('error', (err) => finish(err));
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      let ended = false;
      let streamed = false;
      res.on('data', () => {});
      res.on('end', () => {
        ended = true;
        if (!streamed) finish(undefined, { status, streamed: false });
      });
      res.on('error', (err) => {
        if (!streamed) finish(err);
      });
      const grace = setTimeout(() => {
        if (ended) return;
        streamed = true;
        const socket = res.socket;
        // Wait for the server to close the connection: that happens after its handler returned.
        socket.once('close', () => finish(undefined, { status, streamed: true }));
        socket.end();
      }, STREAM_GRACE_MS);
      res.once('close', () => clearTimeout(grace));
    });
    req.end(call.body);
  });
}
