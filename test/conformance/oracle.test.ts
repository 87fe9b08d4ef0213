import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Oracle } from '../../conformance/oracle/index.js';
import type { RequestAttributes } from '../../src/request/types.js';
import { canRunOracle, NO_ORACLE, ORACLE_START_TIMEOUT } from './support.js';

// The oracle is upstream's code; these tests pin the protocol around it and the
// one thing the oracle adds itself: which rule decided.

const header = 'apiVersion: audit.k8s.io/v1\nkind: Policy\n';

function attrs(partial: Partial<RequestAttributes>): RequestAttributes {
  return {
    user: { name: 'alice', groups: ['dev'] },
    verb: 'get',
    resourceRequest: true,
    apiGroup: '',
    apiVersion: 'v1',
    resource: 'pods',
    subresource: '',
    namespace: 'default',
    name: 'web',
    path: '/api/v1/namespaces/default/pods/web',
    ...partial,
  };
}

describe.skipIf(!canRunOracle)(`conformance oracle${canRunOracle ? '' : ` (${NO_ORACLE})`}`, () => {
  let oracle: Oracle;
  beforeAll(async () => {
    oracle = await Oracle.start();
  }, ORACLE_START_TIMEOUT);
  afterAll(async () => {
    await oracle?.close();
  });

  it('loads policies with upstream verdicts and exact messages', async () => {
    const good = await oracle.load(`${header}rules:\n- level: Metadata\n  bogus: 1\n`);
    expect(good).toMatchObject({ ok: true, rules: 1 });
    expect(good.strictError).toContain('unknown field "rules[0].bogus"');
    expect(await oracle.load(`${header}rules: []\n`)).toMatchObject({
      ok: false,
      error: 'loaded illegal policy with 0 rules',
    });
    const bad = await oracle.load(`${header}rules:\n- level: Loud\n`);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toContain('rules[0].level: Unsupported value: "Loud"');
  });

  it('names the deciding rule, the first of duplicates, and None rules too', async () => {
    const policy = `${header}omitStages: [Panic]\nrules:
- level: None
  users: [alice]
- level: Request
  users: [bob]
  omitStages: [RequestReceived]
- level: Request
  users: [bob]
- level: Metadata
  verbs: [list]
`;
    expect((await oracle.load(policy, 'p')).ok).toBe(true);
    const [alice, bob, carolList, carolGet, nobody] = await oracle.eval({ policyRef: 'p' }, [
      attrs({}),
      attrs({ user: { name: 'bob', groups: [] } }),
      attrs({ user: { name: 'carol', groups: [] }, verb: 'list' }),
      attrs({ user: { name: 'carol', groups: [] } }),
      attrs({ user: null }),
    ]);
    expect(alice).toEqual({ level: 'None', omitStages: ['Panic'], omitManagedFields: false, ruleIndex: 0 });
    expect(bob).toEqual({
      level: 'Request',
      omitStages: ['RequestReceived', 'Panic'],
      omitManagedFields: false,
      ruleIndex: 1,
    });
    expect(carolList.ruleIndex).toBe(3);
    expect(carolGet).toEqual({ level: 'None', omitStages: ['Panic'], omitManagedFields: false, ruleIndex: null });
    expect(nobody.ruleIndex).toBeNull();
    await oracle.drop('p');
  });

  it('resolves HTTP requests into RequestInfo and audit attributes', async () => {
    const [list, watchNoKind] = await oracle.resolve(
      [
        { method: 'GET', url: '/apis/apps/v1/namespaces/prod/deployments?watch=true', user: null },
        { method: 'GET', url: '/api/v1/watch', user: null },
      ],
      { policy: `${header}rules:\n- level: Metadata\n` },
    );
    expect(list.info).toMatchObject({ apiPrefix: 'apis', apiGroup: 'apps', verb: 'watch', namespace: 'prod' });
    expect(list.attributes).toMatchObject({ user: null, resource: 'deployments', resourceRequest: true });
    expect(list.decision?.level).toBe('Metadata');
    expect(watchNoKind.error).toBe('unable to determine kind and namespace from url, /api/v1/watch');
    expect(watchNoKind.attributes).toBeNull();
  });

  it('runs upstream WithRequestDeadline before authentication: a bad timeout leaves no user', async () => {
    const alice = { kind: 'user', name: 'alice', groups: [] } as const;
    const [bad, good, watch, repeated] = await oracle.resolve(
      [
        { method: 'GET', url: '/api/v1/pods?timeout=soon', identity: alice },
        { method: 'GET', url: '/api/v1/pods?timeout=1h30m', identity: alice },
        { method: 'GET', url: '/api/v1/pods?watch=1&timeout=soon', identity: alice },
        // Only the first value counts.
        { method: 'GET', url: '/healthz?timeout=5s&timeout=soon', user: { name: 'bob', groups: [] } },
      ],
      { policy: `${header}rules:\n- level: Request\n  users: [alice]\n- level: Metadata\n` },
    );
    expect(bad.requestDeadline).toEqual({ outcome: 'rejected', status: 400, auditStages: ['ResponseStarted'] });
    expect(bad.attributes).toMatchObject({ user: null, verb: 'list', resource: 'pods' });
    expect(bad.decision).toMatchObject({ level: 'Metadata', ruleIndex: 1 });
    expect(good.requestDeadline).toEqual({ outcome: 'passed' });
    expect(good.attributes?.user).toEqual({ name: 'alice', groups: ['system:authenticated'] });
    expect(good.decision).toMatchObject({ level: 'Request', ruleIndex: 0 });
    expect(watch.requestDeadline).toEqual({ outcome: 'long-running' });
    expect(watch.attributes?.user?.name).toBe('alice');
    expect(repeated.requestDeadline).toEqual({ outcome: 'passed' });
    expect(repeated.attributes?.user?.name).toBe('bob');
  });

  it('times only the evaluation loop', async () => {
    const result = await oracle.bench({ policy: `${header}rules:\n- level: Metadata\n` }, [attrs({})], 50);
    expect(result.evaluations).toBe(50);
    expect(result.elapsedNs).toBeGreaterThan(0);
  });
});
