// A tiny separate process that outlives auditspec when auditspec is killed
// without a chance to clean up (SIGKILL, a crashed Vitest). Once the parent pid
// is gone it removes what the run made:
// - local backend: every process listed in the run's pid file — only those
//   whose command line still names the run directory, so a recycled pid is
//   never hit;
// - containers backend: every container and network carrying the run's label,
//   through the Docker engine's API on its unix socket (no docker CLI needed);
// and then the run directory. It exits by itself as soon as the run directory
// disappears (a normal stop). The script is inline so it works the same from
// the sources and from the compiled package. It is our stand-in for
// testcontainers' Ryuk, which would have to be pulled.
import { spawn } from 'node:child_process';

export const PIDS_FILE = 'pids';

const SCRIPT = String.raw`
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const [parentText, dir, label, socketPath] = process.argv.slice(1);
const parent = Number(parentText);
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => {});
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
const ours = (pid) => { if (!fs.existsSync('/proc/self')) return true; try { return fs.readFileSync('/proc/' + pid + '/cmdline', 'utf8').includes(dir); } catch { return false; } };
const api = (method, p) => new Promise((resolve) => {
  const req = http.request({ socketPath, method, path: p, timeout: 30000 }, (res) => {
    let body = '';
    res.on('data', (c) => (body += c));
    res.on('end', () => resolve(body));
  });
  req.on('error', () => resolve(''));
  req.on('timeout', () => req.destroy());
  req.end();
});
const list = async (p) => { try { return JSON.parse(await api('GET', p)); } catch { return []; } };
const removeDockerObjects = async () => {
  if (!label || !socketPath) return;
  const filters = encodeURIComponent(JSON.stringify({ label: [label] }));
  for (const c of await list('/containers/json?all=1&filters=' + filters)) await api('DELETE', '/containers/' + c.Id + '?force=1&v=1');
  for (const n of await list('/networks?filters=' + filters)) await api('DELETE', '/networks/' + n.Id);
};
const tick = async () => {
  if (!fs.existsSync(dir)) process.exit(0);
  if (alive(parent)) return;
  clearInterval(timer);
  let pids = [];
  try { pids = fs.readFileSync(path.join(dir, '${PIDS_FILE}'), 'utf8').split(/\s+/).map(Number).filter((n) => n > 0); } catch {}
  const victims = pids.filter(ours);
  for (const pid of victims) { try { process.kill(-pid, 'SIGKILL'); } catch { try { process.kill(pid, 'SIGKILL'); } catch {} } }
  await removeDockerObjects();
  const deadline = Date.now() + 10000;
  const finish = () => {
    if (victims.some((pid) => alive(pid) && ours(pid)) && Date.now() < deadline) return setTimeout(finish, 100);
    try { fs.rmSync(dir, { recursive: true, force: true }); } catch {}
    process.exit(0);
  };
  finish();
};
const timer = setInterval(tick, 500);
tick();
`;

export interface WatchdogOptions {
  /** Containers and networks with this label (key=value) are removed. */
  dockerLabel?: string;
  /** The Docker engine's unix socket. */
  dockerSocket?: string;
}

/** Starts the watchdog for `runDir` on behalf of this process; returns its pid. */
export function startWatchdog(runDir: string, options: WatchdogOptions = {}): number {
  const child = spawn(
    process.execPath,
    ['-e', SCRIPT, String(process.pid), runDir, options.dockerLabel ?? '', options.dockerSocket ?? ''],
    { detached: true, stdio: 'ignore' },
  );
  child.unref();
  return child.pid ?? -1;
}
