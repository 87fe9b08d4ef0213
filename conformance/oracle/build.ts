// Builds go/oracle (upstream's own audit code behind a JSON-lines protocol) into
// a per-user cache outside the repo, once per supported kube-apiserver version:
// the same Go sources linked against that version's k8s.io/apiserver, chosen by
// go/oracle/versions/<minor>.mod (go build -modfile). The cache key is a hash of
// the sources and that modfile, so editing either rebuilds and an unchanged tree
// reuses the binary.

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DEFAULT_KUBE_VERSION, kubeRelease, type KubeVersion } from '../../src/audit/kubeVersions.js';
import { acquireLock } from '../../src/binaries/lock.js';

const run = promisify(execFile);

/** The k8s.io/apiserver version the default version's oracle links. */
export const ORACLE_APISERVER_VERSION = kubeRelease(DEFAULT_KUBE_VERSION).apiserverModule;

export const ORACLE_SOURCE_DIR = fileURLToPath(new URL('../../go/oracle/', import.meta.url));

/** The modfile (beside it, its .sum) that pins `version`'s k8s.io/apiserver; relative to ORACLE_SOURCE_DIR. */
export function oracleModfile(version: KubeVersion): string {
  return join('versions', `${version}.mod`);
}

/** Files that decide what the binary is: the Go sources and the version's module files. */
async function sourceFiles(dir: string, version: KubeVersion): Promise<string[]> {
  const names = await readdir(dir);
  const modfile = oracleModfile(version);
  return [...names.filter((n) => n.endsWith('.go')).sort(), modfile, modfile.replace(/\.mod$/, '.sum')];
}

export async function oracleSourceHash(version: KubeVersion = DEFAULT_KUBE_VERSION, dir = ORACLE_SOURCE_DIR): Promise<string> {
  const hash = createHash('sha256');
  for (const name of await sourceFiles(dir, version)) {
    hash.update(name).update('\0').update(await readFile(join(dir, name))).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

export function oracleCacheRoot(version: KubeVersion = DEFAULT_KUBE_VERSION, env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME !== '' ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'auditspec', 'oracle', kubeRelease(version).apiserverModule);
}

export interface EnsureOracleOptions {
  /** Whose k8s.io/apiserver to link; the default version when absent. */
  kubeVersion?: KubeVersion;
  /** Called once before a (slow, first-time) build starts. */
  onBuild?: (binary: string) => void;
}

/**
 * Path of an oracle binary built from the current go/oracle sources against
 * the version's k8s.io/apiserver, building it when absent.
 * AUDITSPEC_ORACLE=/path/to/binary skips all of this for the default version
 * (a binary links one version only; the others are always built here).
 */
export async function ensureOracle(options: EnsureOracleOptions = {}): Promise<string> {
  const version = options.kubeVersion ?? DEFAULT_KUBE_VERSION;
  const override = process.env.AUDITSPEC_ORACLE;
  if (override && version === DEFAULT_KUBE_VERSION) return override;
  const dir = join(oracleCacheRoot(version), await oracleSourceHash(version));
  const binary = join(dir, 'oracle');
  if (existsSync(binary)) return binary;
  await mkdir(dir, { recursive: true });
  // One build at a time (parallel test files all want the oracle); whoever
  // waited finds the binary there once the lock is theirs.
  const release = await acquireLock(join(dir, 'build.lock'));
  try {
    if (existsSync(binary)) return binary;
    options.onBuild?.(binary);
    await build(binary, version);
  } finally {
    await release();
  }
  return binary;
}

async function build(binary: string, version: KubeVersion): Promise<void> {
  const partial = `${binary}.partial-${process.pid}`;
  try {
    await run('go', ['build', '-trimpath', `-modfile=${oracleModfile(version)}`, '-o', partial, '.'], {
      cwd: ORACLE_SOURCE_DIR,
      env: { ...process.env, GOFLAGS: '-mod=mod -buildvcs=false' },
      maxBuffer: 16 * 1024 * 1024,
    });
    await rename(partial, binary);
  } catch (err) {
    await rm(partial, { force: true });
    const detail = (err as { stderr?: string }).stderr ?? String(err);
    throw new Error(`building the conformance oracle for kube-apiserver ${version} in ${ORACLE_SOURCE_DIR} failed:\n${detail}`);
  }
}
