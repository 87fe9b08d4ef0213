import { describe, expect, test } from 'vitest';
import type { Level, Stage } from '../../src/audit/types.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSyntheticAuditLog } from '../../bench/syntheticLog.js';
import { managedFieldsBytes, measureEvent, measureEventLine, receivedObjectRefBytes } from '../../src/replay/eventSizes.js';
import { BodySizeSamples, settleVolume, STAGE_INDEX, VolumeTally, type RecordedRequest } from '../../src/replay/volume.js';

const bytesOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value)) + 1; // + newline

function event(stage: Stage, level: Level, extra: Record<string, unknown> = {}) {
  const base: Record<string, unknown> = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level,
    auditID: 'a1',
    stage,
    requestURI: '/apis/apps/v1/namespaces/prod/deployments',
    verb: 'create',
    user: { username: 'alice', groups: ['dev', 'system:authenticated'] },
    objectRef: { resource: 'deployments', namespace: 'prod', apiGroup: 'apps', apiVersion: 'v1' },
  };
  if (stage !== 'RequestReceived') {
    base.responseStatus = { metadata: {}, code: 201 };
    base.annotations = { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': '' };
  }
  return { ...base, ...extra };
}

const deployment = {
  kind: 'Deployment',
  apiVersion: 'apps/v1',
  metadata: { name: 'web', managedFields: [{ manager: 'kubectl', operation: 'Update', fieldsV1: { 'f:spec': {} } }] },
  spec: { replicas: 3 },
};

/** A request recorded from real events, sized exactly as the replay sizes them. */
function recorded(level: Level, events: Record<string, unknown>[], sizeClass = 'create apps/deployments'): RecordedRequest {
  const samples: RecordedRequest['samples'] = [undefined, undefined, undefined, undefined];
  for (const ev of events) {
    const stage = ev.stage as Stage;
    samples[STAGE_INDEX[stage]] = measureEvent(ev, JSON.stringify(ev), stage, bytesOf(ev), { tail: stage !== 'RequestReceived', managedFields: true });
  }
  // What the request itself names: the fixtures' creates name no object in the URL.
  const received = receivedObjectRefBytes({ resourceRequest: true, resource: 'deployments', namespace: 'prod', name: '', apiGroup: 'apps', apiVersion: 'v1', subresource: '' });
  return { level, samples, sizeClass, verb: sizeClass.split(' ')[0], receivedObjectRefBytes: received };
}

const settle = (tally: VolumeTally, samples = new BodySizeSamples()) => settleVolume(tally, samples);

describe('measureEvent', () => {
  test('body sizes are the bytes the fields take in the compact line', () => {
    const withBodies = event('ResponseComplete', 'RequestResponse', { requestObject: deployment, responseObject: deployment });
    const { requestObject, responseObject, ...without } = withBodies;
    const sample = measureEvent(withBodies, JSON.stringify(withBodies), 'ResponseComplete', bytesOf(withBodies), { tail: true, managedFields: true });
    expect(sample.requestBodyBytes + sample.responseBodyBytes).toBe(bytesOf(withBodies) - bytesOf(without));
    expect(sample.requestBodyBytes).toBe(bytesOf({ ...without, requestObject }) - bytesOf(without));
    expect(sample.responseBodyBytes).toBe(bytesOf({ ...without, responseObject }) - bytesOf(without));
    // The tail: what a response event has beyond RequestReceived, objectRef included (see volume.ts).
    const { responseStatus, annotations, objectRef, ...noTail } = without;
    expect(sample.responseTailBytes).toBe(bytesOf(without) - bytesOf(noTail));
  });

  test("kube-apiserver's field order: sizes read by position equal sizes by serialising, non-ASCII included", () => {
    // audit.k8s.io/v1 Event field order, as Go writes it.
    const goOrder = {
      kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'RequestResponse', auditID: 'a', stage: 'ResponseComplete',
      requestURI: '/api/v1/namespaces/x/configmaps', verb: 'create', user: { username: 'ü' },
      objectRef: { resource: 'configmaps', namespace: 'x', apiVersion: 'v1' },
      responseStatus: { metadata: {}, code: 201 },
      requestObject: { kind: 'ConfigMap', metadata: { name: 'c', managedFields: [{ manager: 'kübectl', fieldsV1: { 'f:data': { 'f:k': {} } } }] }, data: { k: 'héllo "quoted" ,"responseObject": inside a string ]}' } },
      responseObject: { kind: 'ConfigMapList', items: [{ metadata: { name: 'a', managedFields: [{ manager: 'x' }] } }, { metadata: { name: 'b', managedFields: [] } }] },
      requestReceivedTimestamp: '2026-01-01T00:00:00.000000Z', stageTimestamp: '2026-01-01T00:00:00.000000Z',
      annotations: { 'authorization.k8s.io/decision': 'allow' },
    };
    const line = JSON.stringify(goOrder);
    const options = { tail: false, managedFields: true };
    const byPosition = measureEvent(goOrder, line, 'ResponseComplete', Buffer.byteLength(line) + 1, options);
    const bySerialising = measureEvent(goOrder, line, 'ResponseComplete', Buffer.byteLength(line) + 1, { ...options, wrapped: true });
    expect(byPosition).toEqual(bySerialising);
    expect(byPosition.requestManagedFieldsBytes).toBeGreaterThan(0);
    expect(byPosition.responseManagedFieldsBytes).toBeGreaterThan(0);
    const { requestObject, responseObject, ...rest } = goOrder;
    expect(byPosition.requestBodyBytes + byPosition.responseBodyBytes).toBe(Buffer.byteLength(line) - Buffer.byteLength(JSON.stringify(rest)));
  });

  test('measuring a line without parsing it gives what measuring the parsed event gives', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'auditspec-sizes-'));
    try {
      const path = join(dir, 'audit.log');
      await writeSyntheticAuditLog(path, 200);
      const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');
      let withBodies = 0;
      for (const line of lines) {
        const event = JSON.parse(line);
        const options = { tail: true, managedFields: true };
        const bytes = Buffer.byteLength(line) + 1;
        const fromLine = measureEventLine(line, event.stage, bytes, options);
        expect(fromLine).toEqual(measureEvent(event, line, event.stage, bytes, options));
        if (fromLine!.requestBodyBytes > 0) withBodies++;
      }
      expect(withBodies).toBeGreaterThan(10);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('managed fields of objects and of list items are measured', () => {
    // Removing the field from a metadata that has other fields also removes one comma.
    const mf = bytesOf(deployment) - bytesOf({ ...deployment, metadata: { name: 'web' } });
    expect(managedFieldsBytes(deployment)).toBe(mf);
    expect(managedFieldsBytes({ kind: 'DeploymentList', items: [deployment, deployment] })).toBe(2 * mf);
    expect(managedFieldsBytes({ metadata: {} })).toBe(0);
  });
});

describe('VolumeTally', () => {
  const rr = event('RequestReceived', 'Request');
  const rc = event('ResponseComplete', 'Request', { requestObject: deployment });
  const request = recorded('Request', [rr, rc]);

  test('the recorded volume is the recorded lines', () => {
    const tally = new VolumeTally();
    tally.addRecorded(request);
    const v = settle(tally);
    expect(v.events).toEqual([1, 0, 1, 0]);
    expect(v.bytes).toEqual([bytesOf(rr), 0, bytesOf(rc), 0]);
  });

  test('estimating the decision that was recorded gives the recorded bytes exactly', () => {
    const tally = new VolumeTally();
    tally.addEstimated(request, { level: 'Request', stages: ['RequestReceived', 'ResponseComplete'], omitManagedFields: false });
    const v = settle(tally);
    expect(v.bytes).toEqual([bytesOf(rr), 0, bytesOf(rc), 0]);
    expect(v.bodiesFromMeans + v.bodiesWithoutSample + v.responseTailsFromMean).toBe(0);
  });

  test('a lower level drops the measured body; omitted stages drop their events', () => {
    const tally = new VolumeTally();
    tally.addEstimated(request, { level: 'Metadata', stages: ['ResponseComplete'], omitManagedFields: false });
    const v = settle(tally);
    const { requestObject, ...metadataOnly } = rc;
    expect(v.events).toEqual([0, 0, 1, 0]);
    expect(v.bytes).toEqual([0, 0, bytesOf(metadataOnly), 0]);
  });

  test('omitManagedFields drops the measured managed fields', () => {
    const tally = new VolumeTally();
    tally.addEstimated(request, { level: 'Request', stages: ['ResponseComplete'], omitManagedFields: true });
    const stripped = { ...rc, requestObject: { ...deployment, metadata: { name: 'web' } } };
    expect(settle(tally).bytes[2]).toBe(bytesOf(stripped));
  });

  test('a RequestReceived the log omitted is derived from the response event', () => {
    const onlyComplete = recorded('Metadata', [event('ResponseComplete', 'Metadata')]);
    const tally = new VolumeTally();
    tally.addEstimated(onlyComplete, { level: 'Metadata', stages: ['RequestReceived', 'ResponseComplete'], omitManagedFields: false });
    const v = settle(tally);
    expect(v.events).toEqual([1, 0, 1, 0]);
    expect(v.bytes[0]).toBe(bytesOf(event('RequestReceived', 'Metadata')));
  });

  test('the derived RequestReceived also lacks impersonatedUser, which impersonation adds after it is written', () => {
    const impersonated = { impersonatedUser: { username: 'bob', groups: ['system:authenticated'] } };
    const onlyComplete = recorded('Metadata', [event('ResponseComplete', 'Metadata', impersonated)]);
    const tally = new VolumeTally();
    tally.addEstimated(onlyComplete, { level: 'Metadata', stages: ['RequestReceived'], omitManagedFields: false });
    expect(settle(tally).bytes[0]).toBe(bytesOf(event('RequestReceived', 'Metadata')));
  });

  test("the derived RequestReceived has the objectRef the request named, not the one the handler completed from the body", () => {
    const completed = event('ResponseComplete', 'Metadata', {
      objectRef: { resource: 'deployments', namespace: 'prod', name: 'web', apiGroup: 'apps', apiVersion: 'v1' },
    });
    const onlyComplete = recorded('Metadata', [completed]);
    const tally = new VolumeTally();
    tally.addEstimated(onlyComplete, { level: 'Metadata', stages: ['RequestReceived'], omitManagedFields: false });
    expect(settle(tally).bytes[0]).toBe(bytesOf(event('RequestReceived', 'Metadata')));
  });

  test('bodies the log never held are sized from the means of the same verb and resource, settled at the end', () => {
    const metadataOnly = recorded('Metadata', [event('ResponseComplete', 'Metadata')]);
    const tally = new VolumeTally();
    tally.addEstimated(metadataOnly, { level: 'RequestResponse', stages: ['ResponseComplete'], omitManagedFields: false });

    const samples = new BodySizeSamples();
    // Two requests of the same class were recorded with bodies; one of another class must not count.
    const small = { kind: 'Deployment', metadata: { name: 'a' } };
    const big = { kind: 'Deployment', metadata: { name: 'b' }, spec: { template: 'x'.repeat(500) } };
    const withBodies = (body: object) =>
      recorded('RequestResponse', [event('ResponseComplete', 'RequestResponse', { requestObject: body, responseObject: body })]);
    const a = withBodies(small);
    const b = withBodies(big);
    samples.learn(a);
    samples.learn(b);
    samples.learn(recorded('RequestResponse', [event('ResponseComplete', 'RequestResponse', { requestObject: deployment })], 'create core/pods'));

    const v = settleVolume(tally, samples);
    const meanRequest = (a.samples[2]!.requestBodyBytes + b.samples[2]!.requestBodyBytes) / 2;
    const meanResponse = (a.samples[2]!.responseBodyBytes + b.samples[2]!.responseBodyBytes) / 2;
    expect(v.bodiesFromMeans).toBe(2);
    expect(v.bytes[2]).toBe(Math.round(metadataOnly.samples[2]!.bytes + meanRequest + meanResponse));
  });

  test('without any sample of the verb, bodies count as zero and are reported', () => {
    const metadataOnly = recorded('Metadata', [event('ResponseComplete', 'Metadata')]);
    const tally = new VolumeTally();
    tally.addEstimated(metadataOnly, { level: 'Request', stages: ['ResponseComplete'], omitManagedFields: false });
    const v = settle(tally);
    expect(v.bodiesWithoutSample).toBe(1);
    expect(v.bytes[2]).toBe(metadataOnly.samples[2]!.bytes);
  });

  test('None writes nothing', () => {
    const tally = new VolumeTally();
    tally.addEstimated(request, { level: 'None', stages: [], omitManagedFields: false });
    expect(settle(tally).events).toEqual([0, 0, 0, 0]);
  });

  test('a request that panicked keeps its Panic event in place of ResponseComplete', () => {
    const panicked = recorded('Metadata', [event('Panic', 'Metadata')]);
    const tally = new VolumeTally();
    tally.addEstimated(panicked, { level: 'Metadata', stages: ['RequestReceived', 'ResponseComplete'], omitManagedFields: false });
    expect(settle(tally).events).toEqual([1, 0, 0, 1]);
  });
});
