// Parsing and loading shared by several subcommands.
import { readFileSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import { Option } from 'commander';
import {
  DEFAULT_KUBE_VERSION,
  parseKubeVersion as parseSupportedKubeVersion,
  SUPPORTED_KUBE_VERSIONS,
  UnsupportedKubeVersionError,
  type KubeVersion,
} from '../audit/kubeVersions.js';
import type { Policy } from '../audit/types.js';
import { loadPolicy } from '../audit/policy/load.js';
import { PolicyLoadError } from '../audit/policy/loadError.js';
import { UsageError } from './errors.js';

/** --kube-version's value, or the default; an unknown version is a usage error listing the supported ones. */
export function parseKubeVersion(value: string | undefined): KubeVersion {
  if (value === undefined) return DEFAULT_KUBE_VERSION;
  try {
    return parseSupportedKubeVersion(value, '--kube-version');
  } catch (err) {
    if (err instanceof UnsupportedKubeVersionError) throw new UsageError(err.message);
    throw err;
  }
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
 * Reads a policy file as kube-apiserver would, mapping failures onto the CLI's
 * exit codes: an unreadable file is a usage error (2), a policy kube-apiserver
 * would refuse an InvalidPolicyError (1). Positions name the file relative to
 * the working directory unless `displayPath` says otherwise.
 */
export function loadPolicyArgument(path: string, kubeVersion: KubeVersion, displayPath = relative(process.cwd(), path) || path): Policy {
  try {
    return loadPolicy({ file: path, displayPath }, { kubeVersion }).policy;
  } catch (err) {
    if (!(err instanceof PolicyLoadError)) throw err;
    if (err.unreadable !== undefined) throw new UsageError(err.message);
    throw new InvalidPolicyError(err.message, { cause: err });
  }
}

/** Reads a whole text argument that may be "-" for standard input. */
export function readTextArgument(path: string): string {
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as Error).message}`);
  }
}

/** An option that counts something (--jobs, --top, …): a whole number of at least one. */
export function positiveInteger(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a positive integer (got ${JSON.stringify(value)})`);
  return n;
}

/**
 * Audit log arguments, checked before any is read: a missing file or a
 * directory is a usage error now, not a failure part way through the others.
 */
export function requireLogFiles(logs: readonly string[]): void {
  for (const log of logs) {
    let isFile = false;
    try {
      isFile = statSync(log).isFile();
    } catch (err) {
      throw new UsageError(`cannot read ${log}: ${(err as Error).message}`);
    }
    if (!isFile) throw new UsageError(`cannot read ${log}: not a file`);
  }
}
