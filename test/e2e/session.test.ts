// The session's barrier logic and the coordinator, against a stand-in cluster
// whose "audit log" is an array: events can be made to appear late, and the
// sentinel's event only after the batch's.
import { describe, expect, it } from 'vitest';
import type { AuditEvent, Cluster, PolicyToInstall, SendOptions, SentResponse } from '../../src/clusters/types.js';
import { BatchingObserver } from '../../src/e2e/batching.js';
import { Coordinator, observeThroughCoordinator } from '../../src/e2e/coordinator.js';
import { SENTINEL_USER } from '../../src/e2e/sentinel.js';
import { AuditSession } from '../../src/e2e/session.js';
import type { HttpRequest } from '../../src/request/types.js';
import { writePolicies } from './support.js';

/** Writes Metadata events for every request except those of user "quiet"; events show up over several reads. */
class FakeCluster implements Cluster {
  readonly backend = 'fake';
  policyFile = '';
  installs: PolicyToInstall[] = [];
  sent: HttpRequest[] = [];
  private log: AuditEvent[] = [];
  private read = 0;
  stopped = false;

  switchPolicy(policy: PolicyToInstall): Promise<void> {
    this.installs.push(policy);
    this.policyFile = policy.file;
    return Promise.resolve();
  }

  send(request: HttpRequest, options: SendOptions): Promise<SentResponse> {
    this.sent.push(request);
    const name = request.identity.kind === 'user' ? request.identity.name : '';
    if (name !== 'quiet') {
      for (const stage of ['RequestReceived', 'ResponseComplete']) {
        this.log.push({ auditID: options.auditID, stage, level: name === SENTINEL_USER ? 'Metadata' : 'Request' });
      }
    }
    return Promise.resolve({ status: 403, streamed: false });
  }

  readNewEvents(): Promise<AuditEvent[]> {
    // One event per read: the barrier must keep reading until the sentinel shows.
    const next = this.log.slice(this.read, this.read + 1);
    this.read += next.length;
    return Promise.resolve(next);
  }

  stop(): Promise<void> {
    this.stopped = true;
    return Promise.resolve();
  }
}

const policies = writePolicies({
  a: 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Request\n',
  b: 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Request\n  verbs: [get]\n',
});
const as = (name: string): HttpRequest => ({ method: 'GET', url: '/api/v1/pods', identity: { kind: 'user', name, groups: [] } });

async function sessionWithFake(): Promise<{ session: AuditSession; fake: FakeCluster }> {
  const fake = new FakeCluster();
  const session = new AuditSession('fake', { cluster: fake });
  return { session, fake };
}

describe('AuditSession', () => {
  it('reads up to the sentinel: written events are all found, an absent one is None', async () => {
    const { session, fake } = await sessionWithFake();
    const results = await session.run(policies.a, [as('loud'), as('quiet'), as('loud2')]);
    expect(results.map((r) => [r.level, r.stages])).toEqual([
      ['Request', ['RequestReceived', 'ResponseComplete']],
      ['None', []],
      ['Request', ['RequestReceived', 'ResponseComplete']],
    ]);
    // The sentinel went last, as its reserved user.
    expect(fake.sent.at(-1)).toMatchObject({ identity: { kind: 'user', name: SENTINEL_USER } });
    expect(new Set(results.map((r) => r.auditID)).size).toBe(3);
    // The installed policy is the user's file plus the sentinel rule.
    expect(fake.installs[0].file).toBe(policies.a);
    expect(fake.installs[0].withSentinel).toContain(SENTINEL_USER);
    await session.stop();
    expect(fake.stopped).toBe(true);
  });

  it('refuses requests from the reserved sentinel user', async () => {
    const { session } = await sessionWithFake();
    await expect(session.run(policies.a, [as(SENTINEL_USER)])).rejects.toThrow(/reserved/);
    await session.stop();
  });

  it('switches policy only when another file is used, never in the middle of a batch', async () => {
    const { session, fake } = await sessionWithFake();
    await Promise.all([session.run(policies.a, [as('x')]), session.run(policies.b, [as('y')]), session.run(policies.a, [as('z')])]);
    expect(fake.installs.map((i) => i.file)).toEqual([policies.a, policies.b, policies.a]);
    await session.run(policies.a, [as('w')]);
    expect(fake.installs).toHaveLength(3);
    await session.stop();
  });
});

describe('BatchingObserver through the coordinator', () => {
  it('sends the requests observed in one turn as one batch per policy, over the token-guarded coordinator', async () => {
    const { session, fake } = await sessionWithFake();
    const coordinator = await Coordinator.start(session);
    try {
      let batches = 0;
      const observer = new BatchingObserver('fake', (policyFile, requests) => {
        batches++;
        return observeThroughCoordinator(coordinator.address, policyFile, requests);
      });
      const request = (name: string) => ({ label: name, attributes: {} as never, http: as(name) });
      const results = await Promise.all([
        observer.observe(policies.a, request('one')),
        observer.observe(policies.a, request('quiet')),
        observer.observe(policies.b, request('three')),
      ]);
      expect(batches).toBe(2);
      expect(results.map((r) => r.level)).toEqual(['Request', 'None', 'Request']);
      // Two batches, two sentinels each (see collect in session.ts).
      expect(fake.sent.filter((r) => r.identity.kind === 'user' && r.identity.name === SENTINEL_USER)).toHaveLength(4);
      // A request without an HTTP form cannot be observed.
      await expect(observer.observe(policies.a, { label: 'attrs only', attributes: {} as never })).rejects.toThrow(/no HTTP form/);
      // A wrong token is refused.
      await expect(observeThroughCoordinator({ ...coordinator.address, token: 'wrong' }, policies.a, [])).rejects.toThrow(/HTTP 401/);
    } finally {
      await coordinator.close();
      await session.stop();
    }
  });
});
