import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { attributesFromEvent, readAuditRecord, type AuditEventRecord } from '../../src/request/event.js';
import { AttributeCache } from '../../src/replay/attributeCache.js';
import { corpusPath, hasCorpus } from './corpus.js';

const event = (fields: Record<string, unknown>): AuditEventRecord =>
  ({ kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', stage: 'ResponseComplete', ...fields }) as AuditEventRecord;

describe('AttributeCache', () => {
  test('a hit gives what resolving again gives, with the user of the event at hand', () => {
    const cache = new AttributeCache();
    const base = {
      requestURI: '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node-1',
      verb: 'update',
      objectRef: { resource: 'leases', namespace: 'kube-node-lease', name: 'node-1', apiGroup: 'coordination.k8s.io', apiVersion: 'v1' },
    };
    const first = event({ ...base, user: { username: 'system:node:node-1', groups: ['system:nodes'] } });
    const second = event({ ...base, user: { username: 'system:node:node-2', groups: ['system:nodes', 'x'] } });
    const failed = event({ ...base, user: {} });
    for (const e of [first, second, failed]) expect(cache.attributesOf(e)).toEqual(attributesFromEvent(e));
    expect(cache.hits).toBe(2);
    expect(cache.misses).toBe(1);
  });

  test('events that differ in verb, URI or objectRef are resolved separately', () => {
    const cache = new AttributeCache();
    const user = { username: 'alice', groups: [] };
    const events = [
      event({ requestURI: '/api/v1/namespaces/a/pods', verb: 'list', user, objectRef: { resource: 'pods', namespace: 'a', apiVersion: 'v1' } }),
      event({ requestURI: '/api/v1/namespaces/a/pods?watch=1', verb: 'watch', user, objectRef: { resource: 'pods', namespace: 'a', apiVersion: 'v1' } }),
      // A create whose objectRef.name was filled in from the body: the policy saw no name.
      event({ requestURI: '/api/v1/namespaces/a/pods', verb: 'create', user, objectRef: { resource: 'pods', namespace: 'a', name: 'web', apiVersion: 'v1' } }),
      event({ requestURI: '/api/v1/namespaces/a/pods', verb: 'create', user, objectRef: { resource: 'pods', namespace: 'a', name: 'db', apiVersion: 'v1' } }),
      event({ requestURI: '/healthz', verb: 'get', user }),
    ];
    for (const e of events) expect(cache.attributesOf(e)).toEqual(attributesFromEvent(e));
    expect(cache.misses).toBe(5);
  });

  test('memory is bounded: old entries are dropped a generation at a time', () => {
    const cache = new AttributeCache(10);
    const user = { username: 'u', groups: [] };
    for (let i = 0; i < 100; i++) cache.attributesOf(event({ requestURI: `/api/v1/nodes/n${i}`, verb: 'get', user, objectRef: { resource: 'nodes', name: `n${i}`, apiVersion: 'v1' } }));
    const internals = cache as unknown as { young: Map<string, unknown>; old: Map<string, unknown> };
    expect(internals.young.size + internals.old.size).toBeLessThanOrEqual(20);
  });

  test.skipIf(!hasCorpus('logs/falco-k8s-audit-trace-files.jsonl'))('every corpus event, twice: cached answers equal fresh ones (skipped without ../shared/corpus)', () => {
    const cache = new AttributeCache();
    for (const log of ['logs/falco-k8s-audit-trace-files.jsonl', 'logs/audit2rbac-demo.log', 'logs/elastic-integrations-test-audit.log']) {
      for (const line of readFileSync(corpusPath(log), 'utf8').split('\n')) {
        if (line.trim() === '') continue;
        const read = readAuditRecord(JSON.parse(line));
        if (!read.ok) continue;
        for (let round = 0; round < 2; round++) expect(cache.attributesOf(read.event)).toEqual(attributesFromEvent(read.event));
      }
    }
    expect(cache.hits).toBeGreaterThan(0);
  });
});
