// Where built binaries are kept between runs: one folder per kube-apiserver
// release, so upgrading auditspec never reuses binaries of another release.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KUBE_APISERVER_VERSION } from './versions.js';

/** `${XDG_CACHE_HOME:-~/.cache}/auditspec/bin`. */
export function binariesCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.length > 0 ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'auditspec', 'bin');
}

/** `${XDG_CACHE_HOME:-~/.cache}/auditspec/bin/v1.36.4`. */
export function binariesCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(binariesCacheRoot(env), KUBE_APISERVER_VERSION);
}
