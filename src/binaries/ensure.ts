// Finds kube-apiserver and etcd for an end-to-end run, in this order for each:
// an explicit path, $KUBEBUILDER_ASSETS (setup-envtest's layout), auditspec's
// cache, the envtest release archive where the internet answers (download.ts:
// seconds instead of minutes, checksum verified), and finally a build from the
// Go module shipped with auditspec. Everything is per kube-apiserver release:
// `kubeVersion` (the run's --kube-version) picks the release and its etcd
// (versions.ts), and the cache keeps one folder per release.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { GoNotFoundError, goBuild } from './build.js';
import { binariesCacheDir, binariesCacheRoot } from './cache.js';
import { type BinaryKind, checkBinary } from './check.js';
import { downloadEnvtest } from './download.js';
import { acquireLock } from './lock.js';
import type { KubeVersion } from '../audit/types.js';
import { type ServerRelease, serverRelease } from './versions.js';

export type BinarySource = 'flag' | 'KUBEBUILDER_ASSETS' | 'cache' | 'downloaded' | 'built';

export interface EnsureBinariesOptions {
  /** The minor version to run (--kube-version); default: the project default. */
  kubeVersion?: KubeVersion;
  /** --apiserver-bin */
  apiserverBin?: string;
  /** --etcd-bin */
  etcdBin?: string;
  /** Rebuild into the cache even when it already holds working binaries. */
  force?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Progress and warnings, one line at a time. */
  log?: (line: string) => void;
  /** Overrides the Go module to build from (tests). */
  goModuleDir?: string;
  /**
   * The envtest index to download from (default $AUDITSPEC_ENVTEST_INDEX, else
   * controller-tools' envtest-releases.yaml); "none" never downloads.
   */
  envtestIndex?: string;
  /** Extra CA certificates for the download (tests). */
  downloadCa?: string;
}

export interface Binaries {
  kubeApiserver: string;
  etcd: string;
  /** Where each came from, e.g. "cache" or "flag (kube-apiserver), cache (etcd)". */
  source: string;
  sources: { kubeApiserver: BinarySource; etcd: BinarySource };
  versions: { kubeApiserver: string; etcd: string };
  /** The pinned releases these were asked for (versions says what the binaries report). */
  release: ServerRelease;
}

export class BinariesUnavailableError extends Error {
  override name = 'BinariesUnavailableError';
}

function wanted(release: ServerRelease): Record<BinaryKind, string> {
  return { 'kube-apiserver': release.kubeApiserver, etcd: release.etcd };
}

const sameVersion = (a: string, b: string) => a.replace(/^v/, '') === b.replace(/^v/, '');

/** The command that prepares `release` ahead of a run, for messages. */
export function setupCommand(release: ServerRelease): string {
  return `auditspec setup --kube-version ${release.minor}`;
}

interface Found {
  path: string;
  source: BinarySource;
  version: string;
}

/** A path the user chose: it must run, and a version other than the pinned one is worth a warning. */
async function explicit(path: string, kind: BinaryKind, source: BinarySource, want: string, log: (l: string) => void): Promise<Found> {
  const check = await checkBinary(path, kind);
  if (!check.ok || !check.version) {
    throw new BinariesUnavailableError(`${kind} from ${source === 'flag' ? 'the command line' : source}: ${check.problem}`);
  }
  if (!sameVersion(check.version, want)) {
    log(`warning: ${path} is ${kind} ${check.version}; auditspec judges against ${want}, results may differ`);
  }
  return { path, source, version: check.version };
}

async function fromCache(dir: string, kind: BinaryKind, want: string): Promise<Found | undefined> {
  const path = join(dir, kind);
  const check = await checkBinary(path, kind);
  if (check.ok && check.version && sameVersion(check.version, want)) {
    return { path, source: 'cache', version: check.version };
  }
  return undefined;
}

export async function ensureBinaries(options: EnsureBinariesOptions = {}): Promise<Binaries> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => {});
  const release = serverRelease(options.kubeVersion);
  const want = wanted(release);
  const found: Partial<Record<BinaryKind, Found>> = {};
  const flags: Record<BinaryKind, string | undefined> = { 'kube-apiserver': options.apiserverBin, etcd: options.etcdBin };
  const assets = env.KUBEBUILDER_ASSETS;
  for (const kind of ['kube-apiserver', 'etcd'] as const) {
    const flag = flags[kind];
    if (flag) found[kind] = await explicit(flag, kind, 'flag', want[kind], log);
    else if (assets) found[kind] = await explicit(join(assets, kind), kind, 'KUBEBUILDER_ASSETS', want[kind], log);
  }

  const cacheDir = binariesCacheDir(env, release.kubeApiserver);
  const missing = (): BinaryKind[] => (['kube-apiserver', 'etcd'] as const).filter((k) => !found[k]);
  if (!options.force) {
    for (const kind of missing()) found[kind] = await fromCache(cacheDir, kind, want[kind]);
  }

  if (missing().length > 0) {
    if (!options.force) {
      log(`kube-apiserver ${release.kubeApiserver} and etcd ${release.etcd} are not in ${cacheDir} yet: obtaining them now (\`${setupCommand(release)}\` does this ahead of a run)`);
    }
    await mkdir(binariesCacheRoot(env), { recursive: true });
    const unlock = await acquireLock(`${cacheDir}.lock`, {
      onWait: (owner) => log(`waiting for another auditspec build to finish (lock held by ${owner})…`),
    });
    try {
      // Whoever held the lock may just have built what we need.
      if (!options.force) {
        for (const kind of missing()) found[kind] = await fromCache(cacheDir, kind, want[kind]);
      }
      const toFetch = missing();
      const index = options.envtestIndex ?? (env.AUDITSPEC_ENVTEST_INDEX || undefined);
      if (toFetch.length > 0 && index !== 'none') {
        for (const kind of await downloadIntoCache(toFetch, cacheDir, release, { ...options, env, log, envtestIndex: index })) {
          const got = await fromCache(cacheDir, kind, want[kind]);
          if (got) found[kind] = { ...got, source: 'downloaded' };
        }
      }
      const toBuild = missing();
      if (toBuild.length > 0) {
        await buildIntoCache(toBuild, cacheDir, release, { ...options, env, log });
        for (const kind of toBuild) {
          const built = await fromCache(cacheDir, kind, want[kind]);
          if (!built) throw new BinariesUnavailableError(`built ${kind} into ${cacheDir} but it does not report ${want[kind]}`);
          found[kind] = { ...built, source: 'built' };
        }
      }
    } finally {
      await unlock();
    }
  }

  const api = found['kube-apiserver']!;
  const etcd = found.etcd!;
  return {
    kubeApiserver: api.path,
    etcd: etcd.path,
    source: api.source === etcd.source ? api.source : `${api.source} (kube-apiserver), ${etcd.source} (etcd)`,
    sources: { kubeApiserver: api.source, etcd: etcd.source },
    versions: { kubeApiserver: api.version, etcd: etcd.version },
    release,
  };
}

/**
 * The envtest archive of the pinned release, unpacked in a scratch folder; each
 * wanted binary that reports the pinned version is renamed into the cache.
 * Returns the kinds installed; every reason not to is logged, never thrown.
 */
async function downloadIntoCache(
  kinds: BinaryKind[],
  cacheDir: string,
  release: ServerRelease,
  options: EnsureBinariesOptions & { env: NodeJS.ProcessEnv; log: (l: string) => void },
): Promise<BinaryKind[]> {
  const want = wanted(release);
  const scratch = join(binariesCacheRoot(options.env), `.build-${process.pid}-${randomBytes(4).toString('hex')}`);
  const installed: BinaryKind[] = [];
  try {
    const got = await downloadEnvtest({
      indexUrl: options.envtestIndex,
      version: release.kubeApiserver,
      into: scratch,
      ca: options.downloadCa,
      timeoutMs: 15_000,
      log: options.log,
    });
    if (!got.ok) {
      options.log(`no download (${got.reason}); building from Go modules instead`);
      return [];
    }
    await mkdir(cacheDir, { recursive: true });
    for (const kind of kinds) {
      const check = await checkBinary(join(got.dir, kind), kind);
      if (check.ok && check.version && sameVersion(check.version, want[kind])) {
        await rename(join(got.dir, kind), join(cacheDir, kind));
        installed.push(kind);
      } else {
        options.log(`the envtest archive's ${kind} is ${check.version ?? `unusable (${check.problem})`}, not ${want[kind]}: building it instead`);
      }
    }
    return installed;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Builds into a scratch folder beside the cache, then renames each binary in, so a reader never sees half a file. */
async function buildIntoCache(
  kinds: BinaryKind[],
  cacheDir: string,
  release: ServerRelease,
  options: EnsureBinariesOptions & { env: NodeJS.ProcessEnv; log: (l: string) => void },
): Promise<void> {
  await removeAbandonedScratch(binariesCacheRoot(options.env));
  const scratch = join(binariesCacheRoot(options.env), `.build-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(scratch, { recursive: true });
  try {
    for (const kind of kinds) {
      try {
        await goBuild(kind, join(scratch, kind), release, { moduleDir: options.goModuleDir, env: options.env, log: options.log });
      } catch (err) {
        if (err instanceof GoNotFoundError) {
          throw new BinariesUnavailableError(
            `no ${kind} ${kind === 'etcd' ? release.etcd : release.kubeApiserver} (for --kube-version ${release.minor}) and no Go toolchain to build it. ` +
              `Either install Go (https://go.dev/dl/) and run \`${setupCommand(release)}\`, or point auditspec at existing binaries with --apiserver-bin/--etcd-bin or ` +
              `KUBEBUILDER_ASSETS (a folder holding kube-apiserver and etcd, as setup-envtest lays them out). ` +
              `Built binaries are kept in ${cacheDir}.`,
          );
        }
        throw err;
      }
    }
    await mkdir(cacheDir, { recursive: true });
    for (const kind of kinds) await rename(join(scratch, kind), join(cacheDir, kind));
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Scratch folders of builds whose process is gone (killed mid-build). We hold the lock, so none is in use. */
async function removeAbandonedScratch(root: string): Promise<void> {
  let entries: string[] = [];
  try {
    entries = await readdir(root);
  } catch {
    return;
  }
  for (const entry of entries) {
    const pid = Number(/^\.build-(\d+)-/.exec(entry)?.[1]);
    if (!pid) continue;
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch (err) {
      alive = (err as NodeJS.ErrnoException).code === 'EPERM';
    }
    if (!alive) await rm(join(root, entry), { recursive: true, force: true });
  }
}
