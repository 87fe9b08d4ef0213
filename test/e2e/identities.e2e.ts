// Identities as kube-apiserver records them, and what it writes per stage, on a
// real kube-apiserver v1.36.4 (local backend). These are the facts the offline
// evaluator's `stages` must equal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditSession, type ProbeOutcome } from '../../src/e2e/session.js';
import type { HttpRequest } from '../../src/request/types.js';
import { obtainBinaries, writePolicies } from './support.js';

const { binaries, reason } = await obtainBinaries();

const policies = writePolicies({
  metadata: `apiVersion: audit.k8s.io/v1
kind: Policy
rules:
- level: Metadata
`,
  noneForBob: `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: None
  users: [bob]
- level: Request
`,
});

const get = (url: string, identity: HttpRequest['identity'], method = 'GET'): HttpRequest => ({ method, url, identity });
const alice = { kind: 'user', name: 'alice', groups: ['dev', 'ops, with a comma'] } as const;

describe.skipIf(!binaries)(`identities and stages on the real kube-apiserver${reason ? ` — ${reason}` : ''}`, () => {
  let session: AuditSession;
  beforeAll(async () => {
    session = new AuditSession('local', { log: (l) => process.stderr.write(`${l}\n`) });
    await session.use(policies.metadata);
  });
  afterAll(async () => {
    await session?.stop();
  });

  // Certificate users also carry extra["authentication.kubernetes.io/credential-id"]; name and groups are what policies match.
  const user = (o: ProbeOutcome) => {
    const u = o.events[0]?.user as { username?: string; groups?: string[] } | undefined;
    return u && { ...(u.username !== undefined && { username: u.username }), ...(u.groups !== undefined && { groups: u.groups }) };
  };

  it('records a certificate user with its groups and system:authenticated appended', async () => {
    const [o] = await session.run(policies.metadata, [get('/api/v1/namespaces/default/pods', alice)]);
    expect(o.status).toBe(403);
    expect(o.level).toBe('Metadata');
    expect(o.stages).toEqual(['RequestReceived', 'ResponseComplete']);
    expect(user(o)).toEqual({ username: 'alice', groups: ['dev', 'ops, with a comma', 'system:authenticated'] });
  });

  it('records anonymous requests as system:anonymous in system:unauthenticated', async () => {
    const [o] = await session.run(policies.metadata, [get('/api/v1/namespaces', { kind: 'anonymous' })]);
    expect(o.status).toBe(403);
    expect(user(o)).toEqual({ username: 'system:anonymous', groups: ['system:unauthenticated'] });
    expect(o.stages).toEqual(['RequestReceived', 'ResponseComplete']);
  });

  it('records a failed authentication with no user, and only ResponseStarted', async () => {
    const [o] = await session.run(policies.metadata, [get('/api/v1/namespaces', { kind: 'failed-authentication' })]);
    expect(o.status).toBe(401);
    expect(o.level).toBe('Metadata');
    expect(o.stages).toEqual(['ResponseStarted']);
    expect(user(o)).toEqual({});
  });

  it('records the caller as user and the impersonated user as impersonatedUser', async () => {
    const [o] = await session.run(policies.metadata, [
      get('/api/v1/namespaces/default/configmaps', {
        kind: 'impersonating',
        caller: { name: 'carol', groups: ['admins'] },
        as: { name: 'dave', groups: ['viewers'] },
      }),
    ]);
    expect(user(o)).toEqual({ username: 'carol', groups: ['admins', 'system:authenticated'] });
    // RequestReceived is written before the impersonation filter runs; the later stages carry it.
    expect(o.stages).toEqual(['RequestReceived', 'ResponseComplete']);
    expect(o.events[0]?.impersonatedUser).toBeUndefined();
    expect(o.events[1]?.impersonatedUser).toEqual({ username: 'dave', groups: ['viewers', 'system:authenticated'] });
    expect(o.events[1]?.user).toMatchObject({ username: 'carol' });
    // carol may impersonate (auditspec's grant); dave may not list configmaps.
    expect(o.status).toBe(403);
  });

  it('writes ResponseStarted for long-running requests: watch and proxy verbs, log/exec/attach/portforward/proxy subresources', async () => {
    const longRunning = [
      '/api/v1/namespaces/default/pods?watch=true',
      '/api/v1/watch/namespaces/default/pods',
      '/api/v1/namespaces/default/pods/p/log',
      '/api/v1/namespaces/default/pods/p/exec?command=ls',
      '/api/v1/namespaces/default/pods/p/attach',
      '/api/v1/namespaces/default/pods/p/portforward',
      '/api/v1/namespaces/default/pods/p/proxy',
      '/api/v1/proxy/namespaces/default/pods/p',
      '/debug/pprof/profile',
    ];
    const ordinary = ['/api/v1/namespaces/default/pods/p', '/api/v1/namespaces/default/pods/p/status', '/healthz'];
    const results = await session.run(policies.metadata, [...longRunning, ...ordinary].map((u) => get(u, alice)));
    results.forEach((o, i) => {
      const url = [...longRunning, ...ordinary][i];
      const expected = i < longRunning.length
        ? ['RequestReceived', 'ResponseStarted', 'ResponseComplete']
        : ['RequestReceived', 'ResponseComplete'];
      expect({ url, stages: o.stages }).toEqual({ url, stages: expected });
    });
  });

  it('an invalid ?timeout= is rejected before authentication: no user, ResponseStarted only (long-running requests are exempt)', async () => {
    // WithRequestDeadline runs outside WithAuthentication and audits through withFailedRequestAudit.
    const [bad, watch] = await session.run(policies.metadata, [
      get('/api/v1/namespaces/default/pods?timeout=soon', alice),
      get('/api/v1/namespaces/default/pods?watch=true&timeout=soon', alice),
    ]);
    expect(bad.status).toBe(400);
    expect(bad.stages).toEqual(['ResponseStarted']);
    expect(user(bad)).toEqual({});
    expect(watch.stages).toEqual(['RequestReceived', 'ResponseStarted', 'ResponseComplete']);
    expect(user(watch)).toMatchObject({ username: 'alice' });
  });

  it('a real watch (admin) is closed by auditspec and still ends with ResponseComplete', async () => {
    const admin = { kind: 'user', name: 'root', groups: ['system:masters'] } as const;
    const [o] = await session.run(policies.metadata, [get('/api/v1/namespaces/default/configmaps?watch=true', admin)]);
    expect(o.status).toBe(200);
    expect(o.streamed).toBe(true);
    expect(o.stages).toEqual(['RequestReceived', 'ResponseStarted', 'ResponseComplete']);
  });

  it('proves None by the barrier, and honours omitStages, after a policy switch that keeps etcd', async () => {
    const cluster = session.current as unknown as { etcdPid: number; apiserverPid: number };
    const etcdBefore = cluster.etcdPid;
    const apiserverBefore = cluster.apiserverPid;
    const results = await session.run(policies.noneForBob, [
      get('/api/v1/namespaces', { kind: 'user', name: 'bob', groups: [] }),
      get('/api/v1/namespaces', alice),
    ]);
    expect(cluster.etcdPid).toBe(etcdBefore);
    expect(cluster.apiserverPid).not.toBe(apiserverBefore);
    expect(results[0]).toMatchObject({ level: 'None', stages: [], status: 403 });
    expect(results[1]).toMatchObject({ level: 'Request', stages: ['ResponseComplete'] });
  });
});
