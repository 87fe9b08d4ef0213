// A tiny separate process that outlives auditspec when auditspec is killed
// without a chance to clean up (SIGKILL, a crashed Vitest): once the parent pid
// is gone it kills every process listed in the run's pid file — only those
// whose command line still names the run directory, so a recycled pid is never
// hit — and removes the run directory. It exits by itself as soon as the run
// directory disappears (a normal stop). The script is inline so it works the
// same from the sources and from the compiled package.
import { spawn } from 'node:child_process';

export const PIDS_FILE = 'pids';

const SCRIPT = String.raw`
const fs = require('node:fs');
const path = require('node:path');
const [parentText, dir] = process.argv.slice(1);
const parent = Number(parentText);
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => {});
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
const ours = (pid) => { if (!fs.existsSync('/proc/self')) return true; try { return fs.readFileSync('/proc/' + pid + '/cmdline', 'utf8').includes(dir); } catch { return false; } };
const tick = () => {
  if (!fs.existsSync(dir)) process.exit(0);
  if (alive(parent)) return;
  let pids = [];
  try { pids = fs.readFileSync(path.join(dir, '${PIDS_FILE}'), 'utf8').split(/\s+/).map(Number).filter((n) => n > 0); } catch {}
  const victims = pids.filter(ours);
  for (const pid of victims) { try { process.kill(-pid, 'SIGKILL'); } catch { try { process.kill(pid, 'SIGKILL'); } catch {} } }
  const deadline = Date.now() + 10000;
  const finish = () => {
    if (victims.some((pid) => alive(pid) && ours(pid)) && Date.now() < deadline) return setTimeout(finish, 100);
    try { fs.rmSync(dir, { recursive: true, force: true }); } catch {}
    process.exit(0);
  };
  clearInterval(timer);
  finish();
};
const timer = setInterval(tick, 500);
tick();
`;

/** Starts the watchdog for `runDir` on behalf of this process; returns its pid. */
export function startWatchdog(runDir: string): number {
  const child = spawn(process.execPath, ['-e', SCRIPT, String(process.pid), runDir], {
    detached: true,
    stdio: 'ignore',
  });
  child.unref();
  return child.pid ?? -1;
}
