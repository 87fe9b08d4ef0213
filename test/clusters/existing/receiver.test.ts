import { request as httpsRequest } from 'node:https';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { AuditWebhookReceiver, DEDUP_WINDOW_MS } from '../../../src/clusters/existing/webhook/receiver.js';
import type { AuditEvent } from '../../../src/clusters/types.js';
import { SENTINEL_USER } from '../../../src/e2e/sentinel.js';

const event = (auditID: string, stage: string, user = 'alice'): AuditEvent => ({
  kind: 'Event',
  apiVersion: 'audit.k8s.io/v1',
  auditID,
  stage,
  level: 'Metadata',
  user: { username: user },
});
const list = (...items: AuditEvent[]) => ({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items });

function post(receiver: AuditWebhookReceiver, body: string, token = receiver.token, ca = receiver.caCertificate): Promise<number> {
  const url = new URL(receiver.url);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', ca, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('AuditWebhookReceiver over HTTPS', () => {
  let receiver: AuditWebhookReceiver | undefined;
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });

  it('takes EventLists from a client that trusts its CA and presents its token, dropping redelivered events', async () => {
    receiver = await AuditWebhookReceiver.start();
    expect(receiver.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/audit-events$/);
    expect(await post(receiver, JSON.stringify(list(event('a', 'RequestReceived'), event('a', 'ResponseComplete'))))).toBe(200);
    // kube-apiserver retries a batch whose answer it did not see: the same events again.
    expect(await post(receiver, JSON.stringify(list(event('a', 'ResponseComplete'), event('b', 'ResponseComplete'))))).toBe(200);
    expect(receiver.readNewEvents().map((e) => `${e.auditID}/${e.stage}`)).toEqual(['a/RequestReceived', 'a/ResponseComplete', 'b/ResponseComplete']);
    expect(receiver.readNewEvents()).toEqual([]);
    expect(receiver.stats).toMatchObject({ batches: 2, events: 3, duplicates: 1, unauthorized: 0 });
  });

  it('remembers delivered events for a redelivery window only, so its memory stays bounded', async () => {
    let now = 1_000_000;
    receiver = await AuditWebhookReceiver.start({ now: () => now });
    receiver.accept(list(event('a', 'ResponseComplete')));
    now += DEDUP_WINDOW_MS / 2;
    receiver.accept(list(event('a', 'ResponseComplete'), event('b', 'ResponseComplete')));
    expect(receiver.stats.duplicates).toBe(1);
    expect(receiver.remembered).toBe(2);
    // Past the window, "a" is forgotten (a retry never comes this late); "b" is not yet.
    now += DEDUP_WINDOW_MS / 2 + 1;
    receiver.accept(list(event('c', 'ResponseComplete')));
    expect(receiver.remembered).toBe(2);
  });

  it('refuses a wrong token and a body that is not an EventList, counting both as failed deliveries', async () => {
    receiver = await AuditWebhookReceiver.start();
    expect(await post(receiver, JSON.stringify(list(event('x', 'ResponseComplete'))), 'wrong')).toBe(401);
    expect(await post(receiver, '{"kind":"Event"}')).toBe(400);
    expect(await post(receiver, 'not json')).toBe(400);
    expect(receiver.readNewEvents()).toEqual([]);
    expect(receiver.stats).toMatchObject({ unauthorized: 1, failedDeliveries: 3, batches: 0 });
  });

  it('notices TLS handshakes from clients that do not trust it', async () => {
    receiver = await AuditWebhookReceiver.start();
    const other = await AuditWebhookReceiver.start();
    try {
      await expect(post(receiver, '{}', receiver.token, other.caCertificate)).rejects.toThrow();
      for (let i = 0; i < 50 && receiver.stats.tlsErrors === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(receiver.stats.tlsErrors).toBeGreaterThan(0);
    } finally {
      await other.close();
    }
  });

  it('writes the kubeconfig kube-apiserver needs: its URL, its CA and its token', async () => {
    receiver = await AuditWebhookReceiver.start();
    const config = parse(receiver.webhookKubeconfig());
    expect(config.clusters[0].cluster.server).toBe(receiver.url);
    expect(Buffer.from(config.clusters[0].cluster['certificate-authority-data'], 'base64').toString()).toBe(receiver.caCertificate);
    expect(config.users[0].user.token).toBe(receiver.token);
    expect(config['current-context']).toBe('auditspec');
  });
});

describe('the sentinel barrier over batches that may arrive out of order', () => {
  let clock = 0;
  const now = () => clock;

  it('holds the sentinel back until the receiver has settled, then returns it after the late batch', async () => {
    clock = 1000;
    const receiver = await AuditWebhookReceiver.start({ settleMs: 500, retryWaitMs: 10_000, now });
    try {
      // Batch 2 (with the sentinel) overtakes batch 1.
      receiver.accept(list(event('r2', 'ResponseComplete'), event('s', 'ResponseComplete', SENTINEL_USER)));
      expect(receiver.readNewEvents().map((e) => e.auditID)).toEqual(['r2']);
      clock += 200;
      receiver.accept(list(event('r1', 'ResponseComplete')));
      expect(receiver.readNewEvents().map((e) => e.auditID)).toEqual(['r1']);
      expect(receiver.stats.afterSentinel).toBe(1);
      clock += 299;
      expect(receiver.readNewEvents()).toEqual([]);
      clock += 1;
      expect(receiver.readNewEvents().map((e) => e.auditID)).toEqual(['s']);
    } finally {
      await receiver.close();
    }
  });

  it('puts a released sentinel after every other event returned with it', async () => {
    clock = 0;
    const receiver = await AuditWebhookReceiver.start({ settleMs: 100, now });
    try {
      receiver.accept(list(event('s', 'RequestReceived', SENTINEL_USER)));
      clock = 150;
      receiver.accept(list(event('late', 'ResponseComplete')));
      expect(receiver.readNewEvents().map((e) => e.auditID)).toEqual(['late', 's']);
    } finally {
      await receiver.close();
    }
  });

  it('waits for kube-apiserver\'s retry after a delivery failed on our side', async () => {
    clock = 0;
    const receiver = await AuditWebhookReceiver.start({ settleMs: 100, retryWaitMs: 5000, now: () => clock });
    try {
      // A failed delivery (here: a body we could not read), then the sentinel.
      expect(await post(receiver, 'garbage')).toBe(400);
      receiver.accept(list(event('s', 'ResponseComplete', SENTINEL_USER)));
      clock = 4000;
      expect(receiver.readNewEvents()).toEqual([]);
      receiver.accept(list(event('retried', 'ResponseComplete')));
      clock = 5000;
      expect(receiver.readNewEvents().map((e) => e.auditID)).toEqual(['retried', 's']);
    } finally {
      await receiver.close();
    }
  });
});
