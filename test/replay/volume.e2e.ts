// The replay's volume estimate against kube-apiserver itself. The same traffic is
// sent twice to a real kube-apiserver: once under policy A, once under policy B.
// Replaying A's log through B must predict B's log: the events per stage
// exactly (stage rules: long-running requests, failed authentication, omitted
// stages), the bytes closely (bodies A never recorded come from means of what it
// did record). Run with: npx vitest run --project e2e test/replay/volume.e2e.ts
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalControlPlane } from '../../src/clusters/local/index.js';
import type { AuditEvent, Cluster } from '../../src/clusters/types.js';
import { sentinelRequest, SENTINEL_USER, withSentinelRule } from '../../src/e2e/sentinel.js';
import { loadPolicy } from '../../src/audit/policy/load.js';
import type { HttpRequest, Identity } from '../../src/request/types.js';
import { replayAuditLogs } from '../../src/replay/replay.js';
import { STAGES } from '../../src/audit/types.js';
import { obtainBinaries, writePolicies } from '../e2e/support.js';

const { binaries, reason } = await obtainBinaries();

const policies = writePolicies({
  // A: bodies only for configmaps in the "sampled-*" namespaces, every stage; the
  // "plain-*" namespaces get the same traffic at Metadata.
  a: `apiVersion: audit.k8s.io/v1
kind: Policy
rules:
- level: RequestResponse
  namespaces: ["sampled-a", "sampled-b"]
  resources: [{group: "", resources: ["configmaps"]}]
- level: Metadata
`,
  // B: bodies for every configmap, probes dropped, no RequestReceived.
  b: `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
- level: None
  nonResourceURLs: ["/healthz*"]
- level: RequestResponse
  resources: [{group: "", resources: ["configmaps"]}]
- level: Metadata
`,
});

const admin: Identity = { kind: 'user', name: 'admin', groups: ['system:masters'] };
const json = (value: unknown) => JSON.stringify(value);

/** The same shape of traffic for both runs; `tag` ("a"/"b") keeps names apart at equal lengths. */
function traffic(tag: string): { request: HttpRequest; body?: string }[] {
  // Fresh namespaces per run, so lists see this run's objects only.
  const sampled = `sampled-${tag}`;
  const plain = `plain-${tag}`;
  const out: { request: HttpRequest; body?: string }[] = [sampled, plain].map((name) => ({
    request: { method: 'POST', url: '/api/v1/namespaces', identity: admin },
    body: json({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }),
  }));
  for (const ns of [sampled, plain]) {
    for (let i = 0; i < 4; i++) {
      const name = `cm-${tag}-${i}`;
      const data = { 'settings.properties': `key=${'x'.repeat(200 + 50 * i)}\n` };
      out.push({ request: { method: 'POST', url: `/api/v1/namespaces/${ns}/configmaps`, identity: admin }, body: json({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { app: 'replay-test' } }, data }) });
      out.push({ request: { method: 'GET', url: `/api/v1/namespaces/${ns}/configmaps/${name}`, identity: admin } });
    }
    // Only our configmaps: a list's body is whatever the namespace holds (and every
    // namespace soon holds kube-root-ca.crt, whenever its controller gets to it).
    out.push({ request: { method: 'GET', url: `/api/v1/namespaces/${ns}/configmaps?labelSelector=app%3Dreplay-test`, identity: admin } });
  }
  out.push({ request: { method: 'GET', url: `/api/v1/namespaces/${plain}/configmaps?watch=true&timeoutSeconds=1`, identity: admin } });
  out.push({ request: { method: 'GET', url: '/healthz', identity: admin } });
  out.push({ request: { method: 'GET', url: '/api/v1/namespaces/default/pods', identity: { kind: 'failed-authentication' } } });
  return out;
}

/** Sends the traffic one request at a time, then reads the log up to the sentinel's event. */
async function run(cluster: Cluster, tag: string): Promise<AuditEvent[]> {
  let n = 0;
  for (const { request, body } of traffic(tag)) await cluster.send(request, { auditID: `${tag}-${String(n++).padStart(4, '0')}`, body });
  const sentinelID = `sentinel-${tag}`;
  await cluster.send(sentinelRequest(), { auditID: sentinelID });
  const events: AuditEvent[] = [];
  const deadline = Date.now() + 60_000;
  while (!events.some((e) => e.auditID === sentinelID)) {
    if (Date.now() > deadline) throw new Error('the sentinel event did not appear');
    events.push(...(await cluster.readNewEvents()));
    await sleep(20);
  }
  // kube-apiserver's own requests (bootstrap, its controllers) are in the log too: keep ours.
  return events.filter((e) => e.auditID.startsWith(`${tag}-`) && (e.user as { username?: string } | undefined)?.username !== SENTINEL_USER);
}

const lines = (events: AuditEvent[]) => events.map((e) => `${JSON.stringify(e)}\n`);

/** Replays `log` through `policyFile` and compares with what kube-apiserver wrote under that policy. */
async function expectPrediction(log: string, policyFile: string, written: AuditEvent[]): Promise<void> {
  const report = await replayAuditLogs([log], { policy: loadPolicy({ file: policyFile }).policy });
  expect(report.malformed.count).toBe(0);
  const actual = STAGES.map((stage) => {
    const events = written.filter((e) => e.stage === stage);
    return { stage, events: events.length, bytes: lines(events).reduce((n, l) => n + Buffer.byteLength(l), 0) };
  });
  const predicted = report.volume.stages.map((s) => ({ stage: s.stage, events: s.after.events, bytes: s.after.bytes }));
  const summary = predicted
    .map((p, i) => `${p.stage}: predicted ${p.events} events ${p.bytes} B, kube-apiserver wrote ${actual[i].events} events ${actual[i].bytes} B`)
    .join('\n');
  process.stderr.write(`${log} through ${policyFile}:\n${summary}\n`);
  // The stages kube-apiserver writes, exactly.
  expect(predicted.map((p) => p.events), summary).toEqual(actual.map((a) => a.events));
  // The bytes within 3 % per stage (resource versions, uids and timestamps vary run to run).
  for (let i = 0; i < predicted.length; i++) {
    if (actual[i].bytes === 0) expect(predicted[i].bytes, summary).toBe(0);
    else expect(Math.abs(predicted[i].bytes - actual[i].bytes) / actual[i].bytes, summary).toBeLessThan(0.03);
  }
}

describe.skipIf(!binaries)(`replay estimates against kube-apiserver${reason ? ` — ${reason}` : ''}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'auditspec-replay-e2e-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const install = (file: string) => {
    const s = withSentinelRule(readFileSync(file, 'utf8'));
    if (!s.ok) throw new Error(s.problem);
    return { file, withSentinel: s.text };
  };

  it("replaying one policy's log through the other predicts the other's log, both ways", async () => {
    const plane = await LocalControlPlane.start(install(policies.a), { binaries, tmpRoot: dir });
    let logA: AuditEvent[];
    let logB: AuditEvent[];
    try {
      logA = await run(plane, 'a');
      await plane.switchPolicy(install(policies.b));
      logB = await run(plane, 'b');
    } finally {
      await plane.stop();
    }
    const fileA = join(dir, 'a.log');
    const fileB = join(dir, 'b.log');
    writeFileSync(fileA, lines(logA).join(''));
    writeFileSync(fileB, lines(logB).join(''));

    // A → B: bodies A never recorded (the "plain-*" configmaps) come from the means
    // of those it did; RequestReceived and the probes disappear.
    await expectPrediction(fileA, policies.b, logB);
    // B → A: RequestReceived, which B omitted, is derived from the response events
    // (without responseStatus, annotations, impersonatedUser); the "plain-*" bodies
    // are dropped. The probes B never logged cannot be predicted from B's log.
    await expectPrediction(fileB, policies.a, logA.filter((e) => e.requestURI !== '/healthz'));
  }, 600_000);
});
