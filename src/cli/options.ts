// Parsing and loading shared by several subcommands.
import { readFileSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import { Option } from 'commander';
import { isSupportedKubeVersion, SUPPORTED_KUBE_VERSIONS } from '../audit/kubeVersions.js';
import { DEFAULT_KUBE_VERSION, type KubeVersion, type Policy } from '../audit/types.js';
import { readPolicyPath } from '../audit/modules/readPolicyPath.js';
import { formatLoadErrorOfPath } from '../format/loadError.js';
import { UsageError } from './errors.js';

/**
 * Accepts "1.36", "v1.36" or "v1.36.4" (kube-apiserver minor versions are what
 * matter for policy behaviour), and only versions auditspec reproduces: an
 * unknown one would silently be judged as another.
 */
export function parseKubeVersion(value: string | undefined): KubeVersion {
  if (value === undefined) return DEFAULT_KUBE_VERSION;
  const supported = SUPPORTED_KUBE_VERSIONS.join(', ');
  const match = /^v?(1)\.(\d+)(?:\.\d+)?$/.exec(value.trim());
  if (!match) throw new UsageError(`--kube-version must look like 1.36 (got ${JSON.stringify(value)}; supported: ${supported})`);
  const version = `${Number(match[1])}.${Number(match[2])}`;
  if (!isSupportedKubeVersion(version)) {
    throw new UsageError(`--kube-version ${value} is not supported; supported: ${supported}`);
  }
  return version;
}

/** The same --kube-version option on every command that reads a policy. */
export function kubeVersionOption(): Option {
  return new Option('--kube-version <version>', `kube-apiserver version whose behaviour to reproduce (${SUPPORTED_KUBE_VERSIONS.join(', ')})`).default(
    DEFAULT_KUBE_VERSION,
  );
}

export function parseFormat<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`--format must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`);
  }
  return value as T;
}

/** A policy kube-apiserver would refuse to start with: exit code 1. */
export class InvalidPolicyError extends Error {
  override name = 'InvalidPolicyError';
}

/**
 * Reads a policy file, or composes a module directory, as kube-apiserver would
 * load it, mapping failures onto the CLI's exit codes.
 */
export function loadPolicyArgument(path: string, kubeVersion: KubeVersion): Policy {
  let readable = false;
  try {
    const stat = statSync(path);
    readable = stat.isFile() || stat.isDirectory();
  } catch (err) {
    throw new UsageError(`cannot read policy ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  if (!readable) throw new UsageError(`cannot read policy ${path}: not a file or module directory`);
  const display = relative(process.cwd(), path) || path;
  let result;
  try {
    result = readPolicyPath(path, { kubeVersion, file: display });
  } catch (err) {
    throw new UsageError(`cannot read policy ${path}: ${(err as Error).message}`);
  }
  if (!result.ok) throw new InvalidPolicyError(formatLoadErrorOfPath(result.error, display, path));
  return result.policy;
}

/** Reads a whole text argument that may be "-" for standard input. */
export function readTextArgument(path: string): string {
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as Error).message}`);
  }
}
