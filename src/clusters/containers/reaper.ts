// Nothing a containers run makes may outlive it, with or without Ryuk. Every
// container and network carries the run's labels; then three layers:
// 1. stop() removes everything with the run's label (not just the handles it
//    holds: a container whose start failed is still there, and testcontainers
//    does not remove it);
// 2. a watchdog process (common/watchdog.ts) removes the same when this
//    process dies without stop() — SIGKILL, a crashed Vitest;
// 3. every start first removes what earlier runs on this host left behind
//    whose owning process is gone (the watchdog killed too, a reboot).
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dockerClient } from './runtime.js';

export const RUN_LABEL = 'io.auditspec.run';
const HOST_LABEL = 'io.auditspec.host';
const PID_LABEL = 'io.auditspec.pid';
/** The owning process's start time (/proc/PID/stat field 22), so a recycled pid is not taken for the owner. */
const STARTED_LABEL = 'io.auditspec.pid-started';

function processStartTime(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (comm) may contain spaces; count from the closing parenthesis.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
  } catch {
    return '';
  }
}

function alive(pid: number, started: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return started === '' || processStartTime(pid) === '' || processStartTime(pid) === started;
}

/** The labels every container and network of run `runId` carries. */
export function runLabels(runId: string): Record<string, string> {
  return {
    [RUN_LABEL]: runId,
    [HOST_LABEL]: hostname(),
    [PID_LABEL]: String(process.pid),
    [STARTED_LABEL]: processStartTime(process.pid),
  };
}

/** The engine's unix socket, for the watchdog; undefined when the engine is reached some other way. */
export function dockerSocketPath(env: NodeJS.ProcessEnv): string | undefined {
  const host = env.DOCKER_HOST;
  if (!host) return '/var/run/docker.sock';
  return host.startsWith('unix://') ? host.slice('unix://'.length) : undefined;
}

/** Removes every container, then every network, labelled `label=value`. Returns how many of each. */
export async function removeLabelled(label: string, value: string | undefined): Promise<{ containers: number; networks: number }> {
  const { client } = await dockerClient();
  const docker = client.container.dockerode;
  const filters = JSON.stringify({ label: [value === undefined ? label : `${label}=${value}`] });
  const containers = await docker.listContainers({ all: true, filters });
  await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => {})));
  const networks = await docker.listNetworks({ filters });
  await Promise.all(networks.map((n) => docker.getNetwork(n.Id).remove().catch(() => {})));
  return { containers: containers.length, networks: networks.length };
}

/** Removes what earlier runs on this host left behind when their process is gone. Returns the run ids reaped. */
export async function reapAbandonedRuns(): Promise<string[]> {
  const { client } = await dockerClient();
  const docker = client.container.dockerode;
  const filters = JSON.stringify({ label: [RUN_LABEL, `${HOST_LABEL}=${hostname()}`] });
  const owners = new Map<string, { pid: number; started: string }>();
  for (const item of [...(await docker.listContainers({ all: true, filters })), ...(await docker.listNetworks({ filters }))]) {
    const labels = (item as { Labels?: Record<string, string> }).Labels ?? {};
    const run = labels[RUN_LABEL];
    if (run) owners.set(run, { pid: Number(labels[PID_LABEL]), started: labels[STARTED_LABEL] ?? '' });
  }
  const abandoned = [...owners].filter(([, owner]) => !(owner.pid > 0 && alive(owner.pid, owner.started))).map(([run]) => run);
  for (const run of abandoned) await removeLabelled(RUN_LABEL, run);
  return abandoned;
}
