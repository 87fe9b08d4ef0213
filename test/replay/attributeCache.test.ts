import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { attributesFromEvent, readAuditRecord, type AuditEventRecord } from '../../src/request/event.js';
import { AttributeCache, cacheKeyOf } from '../../src/replay/attributeCache.js';
import { corpusPath, hasCorpus } from '../support/corpus.js';

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
      event({ requestURI: '/api/v1/namespaces/a/pods', verb: 'create', user, objectRef: { resource: 'pods', namespace: 'a', name: 'web', apiVersion: 'v1' } }),
      event({ requestURI: '/healthz', verb: 'get', user }),
      // An objectRef the URI does not give: the recorded attributes, which name it.
      event({ requestURI: '/api/v1/namespaces/a/pods', verb: 'create', user, objectRef: { resource: 'secrets', namespace: 'a', name: 'web', apiVersion: 'v1' } }),
      event({ requestURI: '/api/v1/namespaces/a/pods', verb: 'create', user, objectRef: { resource: 'pods', namespace: 'b', name: 'web', apiVersion: 'v1' } }),
      event({ requestURI: '/api/v1/namespaces/a/pods', verb: 'create', user }),
    ];
    for (const e of events) expect(cache.attributesOf(e)).toEqual(attributesFromEvent(e));
    expect(cache.misses).toBe(7);
  });

  test('creates in one collection share an entry: the name in their objectRef came from the body, and the URI resolves without it', () => {
    const cache = new AttributeCache();
    const user = { username: 'alice', groups: [] };
    const create = (name: string, namespace = 'a') =>
      event({ requestURI: '/api/v1/namespaces/a/configmaps', verb: 'create', user, objectRef: { resource: 'configmaps', namespace, name, apiVersion: 'v1' } });
    const events = [create('web'), create('db'), create('cache'), create('web', 'b'), create('db')];
    for (const e of events) expect(cache.attributesOf(e)).toEqual(attributesFromEvent(e));
    // The create in namespace b disagrees with the URI: resolved apart, recorded as it was logged.
    expect(cache.misses).toBe(2);
    expect(cache.attributesOf(create('x', 'b')).namespace).toBe('b');
  });

  test('queries that differ (resourceVersion, timeouts, selectors, even undecodable ones) give what resolving each gives', () => {
    const cache = new AttributeCache();
    const user = { username: 'system:serviceaccount:kube-system:replicaset-controller', groups: ['system:serviceaccounts'] };
    const ref = (name?: string) => ({ resource: 'pods', namespace: 'a', apiVersion: 'v1', ...(name ? { name } : {}) });
    const events: AuditEventRecord[] = [];
    const queries = [
      '',
      '?watch=true&resourceVersion=1',
      '?watch=true&resourceVersion=7&timeoutSeconds=384',
      '?watch=true&timeoutSeconds=5&resourceVersion=9&resourceVersionMatch=NotOlderThan',
      '?watch=1&resourceVersion=2&timeoutSeconds=300',
      '?watch=true&timeoutSeconds=5&timeoutSeconds=abc',
      '?watch=true&timeoutSeconds=99999999999999999999',
      '?limit=500&resourceVersion=0',
      '?limit=-1',
      '?watch=true&timeoutSeconds=abc',
      '?watch=false',
      '?resourceVersion=5&limit=500',
      '?fieldSelector=metadata.name%3Dweb',
      '?watch=true&fieldSelector=metadata.name%3Dweb',
      '?watch=true&fieldSelector=metadata.name%3D',
      '?labelSelector=%%%&watch=true',
      '?labelSelector=a+in+(b&watch=true',
      '?watch=true&watch=false',
    ];
    // Every query with every verb and name a log could record for it, in two rounds (misses, then hits).
    for (let round = 0; round < 2; round++) {
      for (const q of queries) {
        for (const verb of ['list', 'watch']) {
          for (const name of [undefined, 'web']) {
            events.push(event({ requestURI: `/api/v1/namespaces/a/pods${q}`, verb, user, objectRef: ref(name) }));
          }
        }
      }
    }
    for (const e of events) expect(cache.attributesOf(e), `${e.verb} ${e.requestURI} ${e.objectRef?.name ?? ''}`).toEqual(attributesFromEvent(e));
    expect(cache.hits).toBeGreaterThan(events.length / 2);
  });

  test('the key drops only single, plainly valued resourceVersion, resourceVersionMatch, timeoutSeconds and limit', () => {
    expect(cacheKeyOf('/api/v1/pods?watch=true&resourceVersion=123&timeoutSeconds=384&allowWatchBookmarks=true')).toBe('/api/v1/pods?watch=true&allowWatchBookmarks=true');
    expect(cacheKeyOf('/api/v1/pods?limit=500&resourceVersion=0')).toBe('/api/v1/pods?');
    expect(cacheKeyOf('/api/v1/pods?timeoutSeconds=5&timeoutSeconds=abc')).toBe('/api/v1/pods?timeoutSeconds=5&timeoutSeconds=abc');
    expect(cacheKeyOf('/api/v1/pods?timeoutSeconds=1e3&limit=-1')).toBe('/api/v1/pods?timeoutSeconds=1e3&limit=-1');
    expect(cacheKeyOf('/api/v1/pods?resourceVersion=1;watch=true')).toBe('/api/v1/pods?resourceVersion=1;watch=true');
    expect(cacheKeyOf('/api/v1/pods')).toBe('/api/v1/pods');
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
