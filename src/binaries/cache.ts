// Where built binaries are kept between runs: one folder per kube-apiserver
// release, so upgrading auditspec never reuses binaries of another release.
import { homedir } from 'node:os';
import { join } from 'node:path';

/** `${XDG_CACHE_HOME:-~/.cache}/auditspec/bin`. */
export function binariesCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.length > 0 ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'auditspec', 'bin');
}

/** `${XDG_CACHE_HOME:-~/.cache}/auditspec/bin/v1.36.4` for kube-apiserver v1.36.4 (and the etcd it ships with). */
export function binariesCacheDir(env: NodeJS.ProcessEnv, kubeApiserverVersion: string): string {
  return join(binariesCacheRoot(env), kubeApiserverVersion);
}
