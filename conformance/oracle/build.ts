// Builds go/oracle (upstream's own audit code behind a JSON-lines protocol) into
// a per-user cache outside the repo. The cache key is a hash of the oracle's
// sources, so editing them rebuilds and an unchanged tree reuses the binary.

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { acquireLock } from '../../src/binaries/lock.js';

const run = promisify(execFile);

/** The k8s.io/apiserver version go/oracle/go.mod pins. */
export const ORACLE_APISERVER_VERSION = 'v0.36.4';

export const ORACLE_SOURCE_DIR = fileURLToPath(new URL('../../go/oracle/', import.meta.url));

/** Files that decide what the binary is: module files and Go sources. */
async function sourceFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir);
  return names.filter((n) => n === 'go.mod' || n === 'go.sum' || n.endsWith('.go')).sort();
}

export async function oracleSourceHash(dir = ORACLE_SOURCE_DIR): Promise<string> {
  const hash = createHash('sha256');
  for (const name of await sourceFiles(dir)) {
    hash.update(name).update('\0').update(await readFile(join(dir, name))).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

export function oracleCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME !== '' ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'auditspec', 'oracle', ORACLE_APISERVER_VERSION);
}

export interface EnsureOracleOptions {
  /** Called once before a (slow, first-time) build starts. */
  onBuild?: (binary: string) => void;
}

/**
 * Path of an oracle binary built from the current go/oracle sources, building it
 * when absent. AUDITSPEC_ORACLE=/path/to/binary skips all of this.
 */
export async function ensureOracle(options: EnsureOracleOptions = {}): Promise<string> {
  const override = process.env.AUDITSPEC_ORACLE;
  if (override) return override;
  const dir = join(oracleCacheRoot(), await oracleSourceHash());
  const binary = join(dir, 'oracle');
  if (existsSync(binary)) return binary;
  await mkdir(dir, { recursive: true });
  // One build at a time (parallel test files all want the oracle); whoever
  // waited finds the binary there once the lock is theirs.
  const release = await acquireLock(join(dir, 'build.lock'));
  try {
    if (existsSync(binary)) return binary;
    options.onBuild?.(binary);
    await build(binary);
  } finally {
    await release();
  }
  return binary;
}

async function build(binary: string): Promise<void> {
  const partial = `${binary}.partial-${process.pid}`;
  try {
    await run('go', ['build', '-trimpath', '-o', partial, '.'], {
      cwd: ORACLE_SOURCE_DIR,
      env: { ...process.env, GOFLAGS: '-mod=mod -buildvcs=false' },
      maxBuffer: 16 * 1024 * 1024,
    });
    await rename(partial, binary);
  } catch (err) {
    await rm(partial, { force: true });
    const detail = (err as { stderr?: string }).stderr ?? String(err);
    throw new Error(`building the conformance oracle in ${ORACLE_SOURCE_DIR} failed:\n${detail}`);
  }
}
