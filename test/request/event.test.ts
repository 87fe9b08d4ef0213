import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { attributesFromHttp } from '../../src/request/attributes.js';
import {
  attributesFromEvent,
  eventUser,
  readAuditRecord,
  requestFromEvent,
  type AuditEventRecord,
} from '../../src/request/event.js';
import { corpusPath, corpusSkipReason } from '../support/corpus.js';

const logFiles = ['audit2rbac-demo.log', 'elastic-integrations-test-audit.log', 'falco-k8s-audit-trace-files.jsonl'];
const missingLogs = corpusSkipReason(...logFiles.map((f) => `logs/${f}`));

function records(file: string): unknown[] {
  return readFileSync(corpusPath(`logs/${file}`), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l));
}

function event(partial: Partial<AuditEventRecord>): AuditEventRecord {
  return { kind: 'Event', apiVersion: 'audit.k8s.io/v1', ...partial };
}

describe('events from the corpus logs', () => {
  // Read only when present: a missing corpus registers one counted, skipped test instead of an empty table.
  if (missingLogs !== '') {
    it.skip(`every corpus log event reads as kube-apiserver wrote it${missingLogs}`, () => {});
    return;
  }
  const all = logFiles.flatMap((f) => records(f).map((r, i) => ({ where: `${f}:${i + 1}`, record: r })));

  it.each(all.map((x) => [x.where, x.record] as const))('%s reads as kube-apiserver wrote it', (where, record) => {
    const read = readAuditRecord(record);
    if (where === 'elastic-integrations-test-audit.log:4') {
      expect(read).toEqual({ ok: false, error: expect.stringMatching(/^GKE Cloud Audit Log entry.*unsupported$/) });
      return;
    }
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    const ev = read.event;
    const req = requestFromEvent(ev);
    const a = req.attributes;
    // The verb and the user are exactly as recorded (groups included, never amended).
    expect(a.verb).toBe(ev.verb);
    expect(a.user).toEqual(ev.user?.username ? { name: ev.user.username, groups: ev.user.groups ?? [] } : null);
    // objectRef is written for resource requests only.
    expect(a.resourceRequest).toBe(ev.objectRef !== undefined);
    if (ev.objectRef) {
      expect(a.resource).toBe(ev.objectRef.resource ?? '');
      expect(a.apiGroup).toBe(ev.objectRef.apiGroup ?? '');
      expect(a.apiVersion).toBe(ev.objectRef.apiVersion ?? '');
      expect(a.subresource).toBe(ev.objectRef.subresource ?? '');
      // Name and namespace: as recorded, or empty where kube-apiserver filled them from the body afterwards.
      expect(['', ev.objectRef.name ?? '']).toContain(a.name);
      expect(['', ev.objectRef.namespace ?? '']).toContain(a.namespace);
    } else {
      expect(a.path).toBe(ev.requestURI!.split('?')[0]);
    }
    // A replayable request resolves to the very same attributes.
    if (req.http) expect(attributesFromHttp(req.http)).toEqual(a);
  });

  it('never shows the policy an impersonated user, but replays the impersonation', () => {
    const ev = records('audit2rbac-demo.log')[0] as AuditEventRecord;
    expect(ev.impersonatedUser?.username).toBe('bob');
    const req = requestFromEvent(ev);
    expect(req.attributes.user).toEqual({ name: 'system:admin', groups: ['system:masters', 'system:authenticated'] });
    expect(req.http?.identity).toEqual({
      kind: 'impersonating',
      caller: { name: 'system:admin', groups: ['system:masters', 'system:authenticated'] },
      as: { name: 'bob', groups: ['system:authenticated'] },
    });
  });

  it('drops the name kube-apiserver copied from a created object into objectRef', () => {
    const ev = records('falco-k8s-audit-trace-files.jsonl')[0] as AuditEventRecord;
    expect(ev.verb).toBe('create');
    expect(ev.objectRef?.name).toBe('foo');
    expect(attributesFromEvent(ev)).toMatchObject({ resource: 'namespaces', name: '', namespace: '', path: '/api/v1/namespaces' });
  });

  it('keeps the recorded fields when the requestURI does not match them (hand-made fixture)', () => {
    const ev = records('elastic-integrations-test-audit.log')[0] as AuditEventRecord;
    const req = requestFromEvent(ev);
    expect(req.attributes).toMatchObject({ verb: 'get', resource: 'pods', namespace: 'default', name: 'my-pod' });
    expect(req.http).toBeUndefined();
  });

  it('unwraps AKS records whose Event is an object or a JSON string', () => {
    const [, , , , asObject, asString] = records('elastic-integrations-test-audit.log') as { properties: { log: unknown } }[];
    const a = readAuditRecord(asObject);
    const b = readAuditRecord(asString);
    expect(a).toEqual({ ok: true, event: asObject.properties.log });
    expect(b).toEqual({ ok: true, event: JSON.parse(asString.properties.log as string) });
    expect(requestFromEvent((b as { event: AuditEventRecord }).event).attributes).toMatchObject({
      user: { name: 'aksService', groups: ['system:masters', 'system:authenticated'] },
      verb: 'update',
      apiGroup: 'coordination.k8s.io',
      resource: 'leases',
      namespace: 'kube-system',
      name: 'kubelet-serving-csr-approver',
    });
  });
});

describe('readAuditRecord', () => {
  it.each([
    ['not an object', 'x', /not a JSON object/],
    ['another apiVersion', { kind: 'Event', apiVersion: 'audit.k8s.io/v2' }, /unsupported Event apiVersion/],
    ['an AKS record without JSON', { properties: { log: 'nope' } }, /AKS record: properties.log is a string but not JSON/],
    ['an AKS record with something else inside', { properties: { log: { kind: 'Pod' } } }, /^AKS record: not an audit.k8s.io Event/],
    ['anything else', { kind: 'Pod' }, /not an audit.k8s.io Event/],
  ])('refuses %s', (_, record, error) => {
    const read = readAuditRecord(record);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.error).toMatch(error);
  });

  it('reads v1beta1 Events and fixtures without apiVersion', () => {
    expect(readAuditRecord({ kind: 'Event', apiVersion: 'audit.k8s.io/v1beta1' }).ok).toBe(true);
    expect(readAuditRecord({ kind: 'Event' }).ok).toBe(true);
  });
});

describe('requestFromEvent', () => {
  it('reads a failed authentication (user: {}) as no user, replayed with bad credentials', () => {
    const req = requestFromEvent(event({ verb: 'list', requestURI: '/api/v1/secrets', user: {}, objectRef: { resource: 'secrets', apiVersion: 'v1' } }));
    expect(eventUser(event({ user: {} }))).toBeNull();
    expect(eventUser(event({}))).toBeNull();
    expect(req.attributes.user).toBeNull();
    expect(req.http).toEqual({ method: 'GET', url: '/api/v1/secrets', identity: { kind: 'failed-authentication' } });
    expect(req.label).toBe('<unauthenticated> list /api/v1/secrets');
  });

  it('decodes a non-resource path from the escaped requestURI and drops the query', () => {
    const req = requestFromEvent(
      event({ verb: 'post', requestURI: '/logs/a%20b?x=1', user: { username: 'system:anonymous', groups: ['system:unauthenticated'] } }),
    );
    expect(req.attributes).toMatchObject({ resourceRequest: false, verb: 'post', path: '/logs/a b' });
    expect(req.http).toEqual({ method: 'POST', url: '/logs/a%20b?x=1', identity: { kind: 'anonymous' } });
  });

  it('resolves watch, deletecollection and fieldSelector names from the requestURI', () => {
    const watch = attributesFromEvent(
      event({
        verb: 'watch',
        requestURI: '/api/v1/namespaces/a/configmaps?fieldSelector=metadata.name%3Dcfg&watch=true',
        objectRef: { resource: 'configmaps', namespace: 'a', name: 'cfg', apiVersion: 'v1' },
      }),
    );
    expect(watch).toMatchObject({ verb: 'watch', name: 'cfg', namespace: 'a' });
    const dc = attributesFromEvent(
      event({ verb: 'deletecollection', requestURI: '/api/v1/namespaces/a/pods', objectRef: { resource: 'pods', namespace: 'a', apiVersion: 'v1' } }),
    );
    expect(dc).toMatchObject({ verb: 'deletecollection', resource: 'pods', name: '' });
  });

  it('gives no replayable request for a user no authenticator produces', () => {
    const req = requestFromEvent(
      event({ verb: 'get', requestURI: '/healthz', user: { username: 'kubelet', groups: ['system:nodes'] } }),
    );
    expect(req.attributes.user).toEqual({ name: 'kubelet', groups: ['system:nodes'] });
    expect(req.http).toBeUndefined();
  });

  it('falls back to the recorded fields when the requestURI does not resolve', () => {
    // kube-apiserver would never have audited these; hand-made logs still hold them.
    const failing = requestFromEvent(event({ verb: 'watch', requestURI: '/api/v1/watch', objectRef: { resource: 'pods', apiVersion: 'v1' } }));
    expect(failing.attributes).toMatchObject({ verb: 'watch', resource: 'pods', path: '/api/v1/watch' });
    expect(failing.http).toBeUndefined();
    const unparsable = requestFromEvent(event({ verb: 'get', requestURI: '/a b?c', user: { username: 'u', groups: ['system:authenticated'] } }));
    expect(unparsable.attributes).toMatchObject({ resourceRequest: false, path: '/a b' });
    expect(unparsable.http).toBeUndefined();
  });

  it('falls back to the recorded fields without a requestURI', () => {
    expect(attributesFromEvent(event({ verb: 'get', objectRef: { resource: 'pods', namespace: 'a', name: 'p', apiVersion: 'v1' } }))).toEqual({
      user: null,
      verb: 'get',
      resourceRequest: true,
      apiGroup: '',
      apiVersion: 'v1',
      resource: 'pods',
      subresource: '',
      namespace: 'a',
      name: 'p',
      path: '',
    });
  });
});
