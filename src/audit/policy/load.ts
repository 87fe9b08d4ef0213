// The front door for loading a policy: a file or a text in, the loaded policy
// (with a source position for every rule, key and list item) out, or one
// PolicyLoadError whose message names file:line:col. Every caller goes through
// here — the CLI, the Vitest binding, the backends' preflight, coverage — so a
// refusal reads the same wherever it is shown. What it does is kube-apiserver's
// LoadPolicyFromFile (k8s.io/apiserver/pkg/audit/policy/reader.go): read the
// bytes, then readPolicy (LoadPolicyFromBytes).
import { readFileSync, statSync } from 'node:fs';
import type { KubeVersion, Policy, PolicyWarning } from '../types.js';
import { goQuote } from './goFormat.js';
import { PolicyLoadError } from './loadError.js';
import { readPolicy } from './reader.js';

/**
 * A policy file (read from `file`), or a policy's text. `displayPath` names it
 * in positions and messages: by default the file's path, or "<inline>" for a text.
 */
export type PolicySource = { file: string; displayPath?: string } | { text: string; displayPath?: string };

export interface LoadPolicyOptions {
  /** The kube-apiserver version whose rules apply; default '1.36'. */
  kubeVersion?: KubeVersion;
}

export interface LoadedPolicy {
  policy: Policy;
  /** What kube-apiserver's lenient decoding silently forgives. */
  warnings: PolicyWarning[];
  /** The policy's text as read. */
  text: string;
}

/**
 * Loads a policy as kube-apiserver would, or throws the PolicyLoadError it
 * would refuse to start with (`unreadable` set when the file could not be read).
 */
export function loadPolicy(source: PolicySource, options: LoadPolicyOptions = {}): LoadedPolicy {
  const text = 'text' in source ? source.text : readPolicyText(source.file, source.displayPath ?? source.file);
  const result = readPolicy(text, { file: source.displayPath ?? ('file' in source ? source.file : undefined), kubeVersion: options.kubeVersion });
  if (!result.ok) throw result.error;
  return { policy: result.policy, warnings: result.warnings, text };
}

function readPolicyText(file: string, displayPath: string): string {
  const unreadable = (why: string, cause?: unknown): PolicyLoadError =>
    // LoadPolicyFromFile's own words, for the backends that report as kube-apiserver would.
    new PolicyLoadError(`failed to read file path ${goQuote(file)}: ${why}`, displayPath, { unreadable: why, cause });
  let isFile: boolean;
  try {
    isFile = statSync(file).isFile();
  } catch (err) {
    throw unreadable((err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message, err);
  }
  if (!isFile) throw unreadable('not a file');
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw unreadable((err as Error).message, err);
  }
}
