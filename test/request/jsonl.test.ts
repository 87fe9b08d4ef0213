import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { attributesFromHttp } from '../../src/request/attributes.js';
import { parseRequestLine } from '../../src/request/jsonl.js';
import { corpusPath, corpusSkipReason } from '../support/corpus.js';

function ok(line: unknown) {
  const parsed = parseRequestLine(typeof line === 'string' ? line : JSON.stringify(line));
  if (!parsed.ok) throw new Error(`expected ok, got ${parsed.error}`);
  return parsed.request;
}

function error(line: unknown): string {
  const parsed = parseRequestLine(typeof line === 'string' ? line : JSON.stringify(line));
  if (parsed.ok) throw new Error('expected an error');
  return parsed.error;
}

describe('HTTP-shaped lines', () => {
  it('resolve like kube-apiserver, appending system:authenticated to the given groups', () => {
    const req = ok({ method: 'GET', url: '/api/v1/namespaces/prod/secrets?watch=1', user: { username: 'alice', groups: ['dev'] } });
    expect(req.http).toEqual({ method: 'GET', url: '/api/v1/namespaces/prod/secrets?watch=1', identity: { kind: 'user', name: 'alice', groups: ['dev'] } });
    expect(req.attributes).toMatchObject({ user: { name: 'alice', groups: ['dev', 'system:authenticated'] }, verb: 'watch', resource: 'secrets', namespace: 'prod' });
    expect(req.label).toBe('alice [dev] GET /api/v1/namespaces/prod/secrets?watch=1');
  });

  it('read no user as a failed authentication', () => {
    for (const user of [undefined, null, {}, { username: '' }]) {
      const req = ok({ method: 'GET', url: '/healthz', user });
      expect(req.http?.identity).toEqual({ kind: 'failed-authentication' });
      expect(req.attributes.user).toBeNull();
    }
  });

  it('read system:anonymous without other groups as the anonymous caller', () => {
    for (const user of [{ username: 'system:anonymous' }, { username: 'system:anonymous', groups: ['system:unauthenticated'] }]) {
      const req = ok({ method: 'GET', url: '/healthz', user });
      expect(req.http?.identity).toEqual({ kind: 'anonymous' });
      expect(req.attributes.user).toEqual({ name: 'system:anonymous', groups: ['system:unauthenticated'] });
    }
    // With other groups it is an authenticator's user named system:anonymous; the group adder leaves it alone.
    const odd = ok({ method: 'GET', url: '/healthz', user: { username: 'system:anonymous', groups: ['system:masters'] } });
    expect(odd.attributes.user).toEqual({ name: 'system:anonymous', groups: ['system:masters'] });
  });

  it('take impersonation, the policy seeing the caller', () => {
    const req = ok({ method: 'delete', url: '/api/v1/namespaces/a/pods/p', user: { username: 'admin', groups: ['system:masters'] }, impersonate: { username: 'bob' } });
    expect(req.http).toEqual({
      method: 'DELETE',
      url: '/api/v1/namespaces/a/pods/p',
      identity: { kind: 'impersonating', caller: { name: 'admin', groups: ['system:masters'] }, as: { name: 'bob', groups: [] } },
    });
    expect(req.attributes).toMatchObject({ user: { name: 'admin', groups: ['system:masters', 'system:authenticated'] }, verb: 'delete' });
  });

  it.each([
    [{ method: 'GET' }, /"method" and "url" must both be strings/],
    [{ method: 'GET', url: '/x', user: 'alice' }, /"user" must be an object/],
    [{ method: 'GET', url: '/x', user: { username: 'a', groups: 'dev' } }, /"user.groups" must be an array of strings/],
    [{ method: 'GET', url: '/x', user: { username: 7 } }, /"user.username" must be a string/],
    [{ method: 'GET', url: '/x', impersonate: { username: 'bob' } }, /impersonation needs an authenticated "user"/],
    [{ method: 'GET', url: '/x', user: { username: 'a' }, impersonate: [] }, /"impersonate" must be an object/],
    [{ method: 'GET', url: '/api/v1/pods/%zz', user: { username: 'a' } }, /rejects this request before auditing it: parse "\/api\/v1\/pods\/%zz": invalid URL escape "%zz"/],
    [{ method: 'GET', url: '/api/v1/watch', user: { username: 'a' } }, /rejects this request before auditing it: unable to determine kind and namespace/],
    [{ method: 'GET', url: 'api/v1/pods' }, /parse "api\/v1\/pods": invalid URI for request/],
  ])('refuse %j', (line, message) => {
    expect(error(line)).toMatch(message);
  });
});

describe('other lines', () => {
  it('refuse non-JSON, non-objects and unknown shapes', () => {
    expect(error('{')).toMatch(/^not JSON/);
    expect(error('[1]')).toBe('expected a JSON object');
    expect(error({ hello: 1 })).toMatch(/^unknown line/);
  });

  it('read audit Events', () => {
    const req = ok({
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      verb: 'get',
      requestURI: '/apis/apps/v1/namespaces/a/deployments/web',
      user: { username: 'alice', groups: ['system:authenticated'] },
      objectRef: { resource: 'deployments', namespace: 'a', name: 'web', apiGroup: 'apps', apiVersion: 'v1' },
    });
    expect(req.attributes).toMatchObject({ verb: 'get', apiGroup: 'apps', name: 'web' });
    expect(req.http?.method).toBe('GET');
  });

  it('report GKE Cloud Audit Log lines as unsupported', () => {
    expect(error({ protoPayload: { '@type': 'type.googleapis.com/google.cloud.audit.AuditLog' } })).toMatch(/GKE.*unsupported/);
  });

  it('read attribute lines with groups exactly as given', () => {
    const req = ok({ user: 'system:kube-proxy', groups: ['system:nodes'], verb: 'watch', resourceRequest: true, apiVersion: 'v1', resource: 'endpoints', namespace: 'default' });
    expect(req.attributes).toEqual({
      user: { name: 'system:kube-proxy', groups: ['system:nodes'] },
      verb: 'watch',
      resourceRequest: true,
      apiGroup: '',
      apiVersion: 'v1',
      resource: 'endpoints',
      subresource: '',
      namespace: 'default',
      name: '',
      path: '',
    });
    // No authenticator yields a user without system:authenticated: nothing to send end to end.
    expect(req.http).toBeUndefined();
    expect(req.label).toBe('system:kube-proxy [system:nodes] watch endpoints in default');
  });

  it('give attribute lines an HTTP request when one reproduces them exactly', () => {
    const req = ok({ user: 'a', groups: ['system:authenticated'], verb: 'list', resourceRequest: true, apiGroup: 'apps', apiVersion: 'v1', resource: 'deployments', namespace: 'x' });
    expect(req.http).toEqual({ method: 'GET', url: '/apis/apps/v1/namespaces/x/deployments', identity: { kind: 'user', name: 'a', groups: ['system:authenticated'] } });
    expect(req.attributes).toEqual(attributesFromHttp(req.http!));
    expect(req.attributes.path).toBe('/apis/apps/v1/namespaces/x/deployments');
    const anon = ok({ user: 'system:anonymous', groups: ['system:unauthenticated'], verb: 'get', resourceRequest: false, path: '/healthz' });
    expect(anon.http).toEqual({ method: 'GET', url: '/healthz', identity: { kind: 'anonymous' } });
    const nobody = ok({ verb: 'get', resourceRequest: false, path: '/healthz' });
    expect(nobody.attributes.user).toBeNull();
    expect(nobody.http?.identity).toEqual({ kind: 'failed-authentication' });
  });

  it.each([
    [{ verb: 'get', resourceRequest: 'yes' }, /"resourceRequest" must be true or false/],
    [{ verb: 1, resourceRequest: true }, /"verb" must be a string/],
    [{ verb: 'get', resourceRequest: true, groups: 'x' }, /"groups" must be an array of strings/],
  ])('refuse attribute line %j', (line, message) => {
    expect(error(line)).toMatch(message);
  });

  const corpus = corpusPath('expectations/gce-audit-policy-test-cases.jsonl');
  const missing = corpusSkipReason('expectations/gce-audit-policy-test-cases.jsonl');
  it.skipIf(missing !== '')(`read every line of upstream GCE matrix${missing}`, () => {
    const lines = readFileSync(corpus, 'utf8').trim().split('\n');
    for (const line of lines) {
      const c = JSON.parse(line);
      const req = ok(line);
      expect(req.attributes.user).toEqual(c.user ? { name: c.user, groups: c.groups ?? [] } : null);
      expect(req.attributes.verb).toBe(c.verb);
      expect(req.attributes.resource).toBe(c.resource ?? '');
      if (!c.resourceRequest) expect(req.attributes.path).toBe(c.path);
    }
    expect(lines).toHaveLength(618);
  });
});
