// The next policy's kube-apiserver started ahead (LocalControlPlane.prepare,
// AuditSession.announce): the switch then takes the standby that already runs
// instead of starting one, the audit log proves the new policy is in force, a
// policy kube-apiserver refuses is still refused by the switch, and nothing is
// left behind.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LocalControlPlane } from '../../src/clusters/local/index.js';
import { ClusterError } from '../../src/clusters/types.js';
import { withSentinelRule } from '../../src/e2e/sentinel.js';
import { AuditSession } from '../../src/e2e/session.js';
import { obtainBinaries, writePolicies } from './support.js';

const { binaries, reason } = await obtainBinaries();

const policies = writePolicies({
  metadata: 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n',
  request: 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Request\n',
  none: 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n',
  refused: 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Loud\n',
});

const install = (file: string) => {
  const s = withSentinelRule(readFileSync(file, 'utf8'));
  if (!s.ok) throw new Error(s.problem);
  return { file, withSentinel: s.text };
};

/** Pids of live kube-apiserver processes whose command line names `dir`. */
function apiservers(dir: string): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .filter((e) => {
      try {
        const cmdline = readFileSync(`/proc/${e}/cmdline`, 'utf8');
        return cmdline.includes(dir) && cmdline.includes('kube-apiserver') && !/\) Z /.test(readFileSync(`/proc/${e}/stat`, 'utf8'));
      } catch {
        return false;
      }
    })
    .map(Number);
}

const anonymousHealthz = { method: 'GET', url: '/api/v1/namespaces', identity: { kind: 'user', name: 'alice', groups: [] } } as const;

describe.skipIf(!binaries)(`a policy prepared ahead${reason ? ` — ${reason}` : ''}`, () => {
  it('is switched to by taking the standby kube-apiserver that already runs beside the current one', async () => {
    const plane = await LocalControlPlane.start(install(policies.metadata), { binaries });
    try {
      await plane.prepare(install(policies.request));
      const standby = await plane.standbyPid();
      expect(standby).toBeGreaterThan(0);
      // Both serve at once on the same etcd until the switch.
      expect(apiservers(plane.runDir).sort()).toEqual([plane.apiserverPid!, standby!].sort());
      await plane.switchPolicy(install(policies.request));
      expect(plane.apiserverPid).toBe(standby);
      expect(plane.timings.phases['apiserver-ready']).toBeUndefined();
      expect(apiservers(plane.runDir)).toEqual([standby]);
      const session = new AuditSession('local', { cluster: plane });
      const [outcome] = await session.run(policies.request, [anonymousHealthz]);
      expect(outcome.level).toBe('Request');
    } finally {
      await plane.stop();
    }
    expect(apiservers(plane.runDir)).toEqual([]);
  }, 300_000);

  it('a refused policy prepared ahead is still refused by the switch, with kube-apiserver’s message, and the running one stays', async () => {
    const plane = await LocalControlPlane.start(install(policies.metadata), { binaries });
    try {
      const running = plane.apiserverPid;
      await plane.prepare({ file: policies.refused, withSentinel: readFileSync(policies.refused, 'utf8') });
      expect(await plane.standbyPid()).toBeUndefined();
      const err = await plane.switchPolicy({ file: policies.refused, withSentinel: readFileSync(policies.refused, 'utf8') }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ClusterError);
      expect((err as ClusterError).policyRejected).toBe(true);
      expect((err as Error).message).toMatch(/Loud/);
      expect(plane.apiserverPid).toBe(running);
    } finally {
      await plane.stop();
    }
  }, 300_000);

  it('a session prepares what was announced, and the policy it left (suites that alternate)', async () => {
    const session = new AuditSession('local', { binaries } as never);
    try {
      session.announce(policies.metadata);
      session.announce(policies.none);
      const [first] = await session.run(policies.metadata, [anonymousHealthz]);
      expect(first.level).toBe('Metadata');
      const plane = session.current as LocalControlPlane;
      // "none" was announced: it is being prepared beside "metadata".
      const standby = await plane.standbyPid();
      expect(standby).toBeGreaterThan(0);
      const [second] = await session.run(policies.none, [anonymousHealthz]);
      expect(second).toMatchObject({ level: 'None', stages: [] });
      expect(plane.apiserverPid).toBe(standby);
      // Nothing more announced: the one it left is prepared, for a suite that goes back.
      const back = await plane.standbyPid();
      expect(back).toBeGreaterThan(0);
      const [third] = await session.run(policies.metadata, [anonymousHealthz]);
      expect(third.level).toBe('Metadata');
      expect(plane.apiserverPid).toBe(back);
    } finally {
      await session.stop();
    }
  }, 300_000);
});
