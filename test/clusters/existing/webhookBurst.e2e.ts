// The audit webhook receiver under a burst: 20 000 requests sent as fast as a
// real kube-apiserver v1.36.4 answers them (the local control plane, webhook
// in batch mode with kube-apiserver's default batching and throttling), and
// every request's event accounted for — compared with the log file the same
// kube-apiserver wrote. The figures (time, batches, memory) go to stderr for
// the README; none is asserted but "nothing lost" and "memory bounded".
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { AuditWebhookReceiver } from '../../../src/clusters/existing/webhook/receiver.js';
import { LocalControlPlane } from '../../../src/clusters/local/index.js';
import { withSentinelRule } from '../../../src/e2e/sentinel.js';
import type { HttpRequest } from '../../../src/request/types.js';
import { obtainBinaries } from '../../e2e/support.js';

const { binaries, reason } = await obtainBinaries();

const REQUESTS = 20_000;
const CONCURRENCY = 16;
// One event per request (RequestReceived omitted), as a staging policy that
// keeps its volume down would; kube-apiserver's own buffer (10 000 events by
// default) is then not what is tested.
const POLICY = 'apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\nrules:\n- level: Metadata\n';
const IDENTITIES: HttpRequest['identity'][] = [
  { kind: 'user', name: 'alice', groups: ['dev'] },
  { kind: 'user', name: 'system:serviceaccount:ci:deployer', groups: ['system:serviceaccounts'] },
  { kind: 'anonymous' },
];
const URLS = ['/api/v1/namespaces/default/pods', '/apis/apps/v1/namespaces/prod/deployments', '/version', '/api/v1/namespaces/default/configmaps/settings'];

describe.skipIf(!binaries)(`audit webhook receiver under a burst${reason ? ` — ${reason}` : ''}`, () => {
  it(`accounts for every one of ${REQUESTS} requests, as kube-apiserver's log file does, in bounded memory`, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'auditspec-webhook-burst-'));
    const receiver = await AuditWebhookReceiver.start({ settleMs: 500 });
    let plane: LocalControlPlane | undefined;
    try {
      const policy = join(dir, 'policy.yaml');
      await writeFile(policy, POLICY);
      const webhookConfig = join(dir, 'webhook.kubeconfig');
      await writeFile(webhookConfig, receiver.webhookKubeconfig());
      const sentinel = withSentinelRule(POLICY);
      if (!sentinel.ok) throw new Error(sentinel.problem);
      // Batch mode with kube-apiserver's defaults (400 events a batch, 30 s at most, 10 batches/s).
      plane = await LocalControlPlane.start(
        { file: policy, withSentinel: sentinel.text },
        { binaries, extraApiserverFlags: [`--audit-webhook-config-file=${webhookConfig}`, '--audit-webhook-mode=batch'] },
      );
      const ids = Array.from({ length: REQUESTS }, (_, i) => `burst-${i}`);
      const received = new Set<string>();
      let peakPending = 0;
      let peakRss = process.memoryUsage().rss;
      const drain = () => {
        const events = receiver.readNewEvents();
        peakPending = Math.max(peakPending, events.length);
        for (const event of events) if (event.auditID.startsWith('burst-')) received.add(event.auditID);
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
      };
      const started = Date.now();
      let next = 0;
      const sender = async () => {
        while (next < REQUESTS) {
          const i = next++;
          const request: HttpRequest = { method: 'GET', url: URLS[i % URLS.length], identity: IDENTITIES[i % IDENTITIES.length] };
          await plane!.send(request, { auditID: ids[i] });
          if (i % 1000 === 0) drain();
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, sender));
      const sentIn = Date.now() - started;
      // The last batch may wait up to --audit-webhook-batch-max-wait (30 s by default).
      const deadline = Date.now() + 90_000;
      while (received.size < REQUESTS && Date.now() < deadline) {
        drain();
        await sleep(200);
      }
      const allIn = Date.now() - started;
      // What kube-apiserver wrote to its own log for the same requests.
      const logged = new Set<string>();
      const logDir = join(plane.runDir, 'audit');
      for (const file of (await import('node:fs')).readdirSync(logDir)) {
        for (const line of (await readFile(join(logDir, file), 'utf8')).split('\n')) {
          const id = /"auditID":"(burst-\d+)"/.exec(line)?.[1];
          if (id) logged.add(id);
        }
      }
      process.stderr.write(
        `webhook burst: ${REQUESTS} requests sent in ${(sentIn / 1000).toFixed(1)} s (${((REQUESTS * 1000) / sentIn).toFixed(0)}/s), ` +
          `all events received ${(allIn / 1000).toFixed(1)} s after the first; ${receiver.stats.batches} batches, ` +
          `${receiver.stats.duplicates} duplicates, ${receiver.stats.failedDeliveries} failed deliveries; ` +
          `at most ${peakPending} events waiting to be read; keys kept ${receiver.remembered}; peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB\n`,
      );
      const missing = ids.filter((id) => !received.has(id));
      expect({ missing: missing.length, firstMissing: missing.slice(0, 5) }).toEqual({ missing: 0, firstMissing: [] });
      expect(logged.size).toBe(REQUESTS);
      expect(receiver.stats.failedDeliveries).toBe(0);
      // Bounded: nothing is kept once read but the keys of the redelivery window.
      expect(receiver.readNewEvents().length).toBeLessThan(REQUESTS);
      // (kube-apiserver's own requests are audited too: its start-up, readiness checks.)
      expect(receiver.remembered).toBeLessThanOrEqual(REQUESTS + 2000);
    } finally {
      await plane?.stop();
      await receiver.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 600_000);
});
