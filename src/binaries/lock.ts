// A lock file so that two auditspec runs (two terminals, parallel CI jobs on one
// machine) never build into the cache at the same time. The file holds the
// owner's pid; a lock whose owner is gone is stale and taken over.
import { hostname } from 'node:os';
import { open, readFile, rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

export interface LockOptions {
  /** Called once when the lock is held by someone else and we start waiting. */
  onWait?: (owner: string) => void;
  pollMs?: number;
}

function ownerAlive(content: string): boolean {
  const [pidText, host] = content.trim().split(/\s+/);
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  // A lock from another host (shared cache dir) cannot be checked: trust it.
  if (host && host !== hostname()) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Waits until `path` can be created exclusively; returns the function that releases it. */
export async function acquireLock(path: string, options: LockOptions = {}): Promise<() => Promise<void>> {
  let told = false;
  for (;;) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(`${process.pid} ${hostname()}\n`);
      await handle.close();
      return async () => {
        await rm(path, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let content = '';
    try {
      content = await readFile(path, 'utf8');
    } catch {
      continue; // released between our open and read
    }
    if (content.trim() !== '' && !ownerAlive(content)) {
      await rm(path, { force: true });
      continue;
    }
    if (!told) {
      told = true;
      options.onWait?.(content.trim() || 'unknown owner');
    }
    await sleep(options.pollMs ?? 1000);
  }
}
