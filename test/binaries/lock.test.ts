import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireLock } from '../../src/binaries/lock.js';

describe('acquireLock', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'auditspec-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('serialises two holders: the second waits until the first releases', async () => {
    const path = join(dir, 'a.lock');
    const release = await acquireLock(path);
    const waited: string[] = [];
    let second = false;
    const pending = acquireLock(path, { pollMs: 10, onWait: (owner) => waited.push(owner) }).then((r) => {
      second = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(second).toBe(false);
    expect(waited[0]).toContain(String(process.pid));
    await release();
    const releaseSecond = await pending;
    expect(existsSync(path)).toBe(true);
    await releaseSecond();
    expect(existsSync(path)).toBe(false);
  });

  it('takes over a lock whose owner is gone', async () => {
    const path = join(dir, 'b.lock');
    writeFileSync(path, `999999999 ${hostname()}\n`);
    const release = await acquireLock(path, { pollMs: 10 });
    await release();
  });
});
