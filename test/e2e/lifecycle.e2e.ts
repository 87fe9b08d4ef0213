// The local control plane's lifecycle on the real binaries: kube-apiserver's own
// message for a bad policy, clear errors, and nothing left behind — after stop(),
// after a failed start, after SIGINT of the runner, and after SIGKILL of it.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ClusterError } from '../../src/clusters/types.js';
import { LocalControlPlane } from '../../src/clusters/local/index.js';
import { AuditSession } from '../../src/e2e/session.js';
import { withSentinelRule } from '../../src/e2e/sentinel.js';
import { obtainBinaries, writePolicies } from './support.js';

const { binaries, reason } = await obtainBinaries();

const policies = writePolicies({
  good: 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n',
  badLevel: 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  users: [a]\n- level: Loud\n',
  noRules: 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: []\n',
  wrongVersion: 'apiVersion: audit.k8s.io/v2\nkind: Policy\nrules:\n- level: Metadata\n',
  lenient: 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  foo: 1\n',
  lenientLater: 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n  users: [a]\n- level: Request\n  bar: 2\n',
});

/** Pids of processes whose command line mentions `needle` (our run dirs are in it). */
function processesMentioning(needle: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (cmdline.includes(needle) && !/\) Z /.test(stat)) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

async function eventually(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await sleep(100);
  }
  return check();
}

const install = (file: string) => {
  const s = withSentinelRule(readFileSync(file, 'utf8'));
  return { file, withSentinel: s.ok ? s.text : readFileSync(file, 'utf8') };
};

describe.skipIf(!binaries)(`local control plane lifecycle${reason ? ` — ${reason}` : ''}`, () => {
  const tmpRoot = mkdtempSync(join(tmpdir(), 'auditspec-lifecycle-'));
  afterAll(() => rmSync(tmpRoot, { recursive: true, force: true }));

  it('stop() leaves no process and no run directory', async () => {
    const plane = await LocalControlPlane.start(install(policies.good), { binaries, tmpRoot });
    const { runDir } = plane;
    expect(processesMentioning(runDir).length).toBeGreaterThanOrEqual(2);
    process.stderr.write(`cold start ${plane.timings.coldStartMs} ms\n`);
    await plane.stop();
    expect(existsSync(runDir)).toBe(false);
    expect(await eventually(() => processesMentioning(runDir).length === 0, 5000)).toBe(true);
  });

  it("a rejected policy fails the start with kube-apiserver's own message and leaves nothing", async () => {
    const err = await LocalControlPlane.start(install(policies.badLevel), { binaries, tmpRoot }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterError);
    expect((err as ClusterError).policyRejected).toBe(true);
    // rules[1] as in the user's file, not rules[2] of the copy with the sentinel; the user's path.
    // Then where in the file to look, which kube-apiserver's own words never say.
    expect((err as Error).message).toBe(
      `loading audit policy file: rules[1].level: Unsupported value: "Loud": supported values: "None", "Metadata", "Request", "RequestResponse": from file ${policies.badLevel}\n  at ${policies.badLevel}:6:10`,
    );
    expect(readdirSync(tmpRoot)).toEqual([]);
    expect(await eventually(() => processesMentioning(tmpRoot).length === 0, 5000)).toBe(true);
  });

  it('a policy without rules is refused as kube-apiserver refuses it, though the sentinel copy would load', async () => {
    const session = new AuditSession('local', { tmpRoot });
    const err = await session.use(policies.noRules).catch((e: unknown) => e);
    await session.stop();
    expect((err as Error).message).toBe(`loading audit policy file: loaded illegal policy with 0 rules: from file ${policies.noRules}\n  at ${policies.noRules}:3:1`);
    const wrong = new AuditSession('local');
    const err2 = await wrong.use(policies.wrongVersion).catch((e: unknown) => e);
    await wrong.stop();
    expect((err2 as Error).message).toMatch(/^loading audit policy file: failed decoding: .*audit\.k8s\.io\/v2.*from file /);
  });

  it("lenient-decoding warnings name the user's rules, not the copy's with the sentinel first", async () => {
    const plane = await LocalControlPlane.start(install(policies.lenient), { binaries, tmpRoot });
    try {
      expect(plane.policyWarnings).toEqual(['strict decoding error: unknown field "rules[0].foo"']);
      await plane.prepare(install(policies.lenientLater));
      await plane.switchPolicy(install(policies.lenientLater));
      expect(plane.policyWarnings).toEqual(['strict decoding error: unknown field "rules[1].bar"']);
      await plane.switchPolicy(install(policies.good));
      expect(plane.policyWarnings).toEqual([]);
    } finally {
      await plane.stop();
    }
  });

  it('switching to a rejected policy keeps the running one; a crash is reported with the log tail', async () => {
    const plane = await LocalControlPlane.start(install(policies.good), { binaries, tmpRoot });
    try {
      const etcd = plane.etcdPid;
      const apiserver = plane.apiserverPid;
      const err = await plane.switchPolicy(install(policies.badLevel)).catch((e: unknown) => e);
      expect((err as ClusterError).policyRejected).toBe(true);
      expect(plane.apiserverPid).toBe(apiserver);
      expect(plane.policyFile).toBe(policies.good);
      const ok = await plane.send({ method: 'GET', url: '/healthz', identity: { kind: 'anonymous' } }, { auditID: 'lifecycle-1' });
      expect(ok.status).toBe(200);

      await plane.switchPolicy(install(policies.good));
      expect(plane.etcdPid).toBe(etcd);
      process.stderr.write(`switch ${plane.timings.switchMs.join(', ')} ms\n`);

      process.kill(plane.apiserverPid!, 'SIGKILL');
      await sleep(200);
      const crash = await plane
        .send({ method: 'GET', url: '/healthz', identity: { kind: 'anonymous' } }, { auditID: 'lifecycle-2' })
        .catch((e: unknown) => e);
      expect(crash).toBeInstanceOf(ClusterError);
      expect((crash as Error).message).toMatch(/kube-apiserver is not running \(kube-apiserver was killed by SIGKILL\)/);
      expect((crash as ClusterError).logTail.length).toBeGreaterThan(0);
    } finally {
      await plane.stop();
    }
    expect(await eventually(() => processesMentioning(plane.runDir).length === 0, 5000)).toBe(true);
  });

  it('a missing binary is a clear error', async () => {
    const err = await LocalControlPlane.start(install(policies.good), {
      binaries: { ...binaries!, kubeApiserver: join(tmpRoot, 'no-such-kube-apiserver') },
      tmpRoot,
    }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/cannot run kube-apiserver .*no-such-kube-apiserver.*: no such file/);
    expect(readdirSync(tmpRoot)).toEqual([]);
  });

  for (const signal of ['SIGINT', 'SIGKILL'] as const) {
    it(`${signal} of a Vitest runner holding the control plane leaves no process and no temp dir`, async () => {
      const runTmp = mkdtempSync(join(tmpRoot, `runner-${signal}-`));
      const ready = join(runTmp, 'ready.json');
      const vitestBin = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url));
      const config = fileURLToPath(new URL('./fixtures/hold.config.ts', import.meta.url));
      const child = spawn(process.execPath, [vitestBin, 'run', '--config', config], {
        env: { ...process.env, TMPDIR: runTmp, AUDITSPEC_HOLD_POLICY: policies.good, AUDITSPEC_HOLD_READY: ready, AUDITSPEC_E2E: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      const exited = new Promise((r) => child.on('exit', r));
      const started = await eventually(() => existsSync(ready), 150_000);
      if (!started) {
        child.kill('SIGKILL');
        throw new Error(`the runner never got its control plane up:\n${output}`);
      }
      expect(JSON.parse(readFileSync(ready, 'utf8'))).toMatchObject({ status: 200, level: 'Metadata' });
      const runDirs = readdirSync(runTmp).filter((d) => d.startsWith('auditspec-local-'));
      expect(runDirs).toHaveLength(1);
      expect(processesMentioning(runTmp).length).toBeGreaterThanOrEqual(2);

      child.kill(signal);
      await exited;
      const clean = await eventually(
        () => processesMentioning(join(runTmp, 'auditspec-local-')).length === 0 && !existsSync(join(runTmp, runDirs[0])),
        20_000,
      );
      expect({ clean, left: readdirSync(runTmp), pids: processesMentioning(join(runTmp, 'auditspec-local-')) }).toEqual({
        clean: true,
        // (Vitest keeps a temp folder of its own there too.)
        left: readdirSync(runTmp).filter((d) => !d.startsWith('auditspec')),
        pids: [],
      });
    });
  }
});
