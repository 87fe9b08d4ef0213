// Ctrl-C during `auditspec test --cluster kind` leaves nothing behind: the
// whole process group gets SIGINT while kind is creating the node (kind itself
// is interrupted too), and again once the cluster is up and the run goes on. Runs
// the built CLI (bin/auditspec.js, dist/) where kind can run here.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../../src/clusters/kind/commands.js';
import { kindE2eSkipReason } from './kindAvailable.js';

const CLI = fileURLToPath(new URL('../../../bin/auditspec.js', import.meta.url));
const SPEC = fileURLToPath(new URL('../../../specs/recommended-policy.audit.spec.ts', import.meta.url));
const reason =
  kindE2eSkipReason() ?? (existsSync(fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url))) ? undefined : 'dist/ is not built (npm run build)');

const containersOf = async (name: string) =>
  (await runCommand('docker', ['ps', '-a', '--filter', `label=io.x-k8s.kind.cluster=${name}`, '--format', '{{.Names}} {{.Status}}'])).stdout.trim();
const workspaces = () => readdirSync(tmpdir()).filter((n) => n.startsWith('auditspec-kind-'));

/** Starts the CLI in its own process group, waits for `ready`, sends SIGINT to the group, waits for the exit. */
async function interruptWhen(name: string, ready: (output: string) => Promise<boolean>): Promise<string> {
  const child = spawn(process.execPath, [CLI, 'test', '--cluster', 'kind', SPEC], {
    detached: true,
    env: { ...process.env, AUDITSPEC_KIND_NAME: name, AUDITSPEC_KIND_REUSE: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const deadline = Date.now() + 300_000;
  while (!(await ready(output))) {
    if (Date.now() > deadline) throw new Error(`never got ready to interrupt:\n${output}`);
    await sleep(200);
  }
  process.kill(-child.pid!, 'SIGINT');
  await exited;
  return output;
}

describe.skipIf(reason !== undefined)(`Ctrl-C during --cluster kind${reason ? ` — ${reason}` : ''}`, () => {
  it('while kind creates the node: no container, no workspace left', async () => {
    const name = `auditspec-int-${process.pid}`;
    const before = workspaces();
    await interruptWhen(name, async () => (await containersOf(name)) !== '');
    expect(await containersOf(name)).toBe('');
    expect(workspaces().filter((w) => !before.includes(w))).toEqual([]);
  }, 600_000);

  it('once the cluster is up, as the run connects and sends: no container, no workspace left', async () => {
    const name = `auditspec-int2-${process.pid}`;
    const before = workspaces();
    // kind has finished ("You can now use your cluster"): auditspec connects and starts sending.
    let finished = 0;
    await interruptWhen(name, async (output) => {
      if (!finished && output.includes('You can now use your cluster')) finished = Date.now();
      return finished > 0 && Date.now() - finished > 1000;
    });
    expect(await containersOf(name)).toBe('');
    expect(workspaces().filter((w) => !before.includes(w))).toEqual([]);
  }, 600_000);
});
