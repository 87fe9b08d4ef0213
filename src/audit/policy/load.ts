// The front door for loading a policy: a file or a text in, the loaded policy
// (with a source position for every rule, key and list item) out, or one
// PolicyLoadError whose message names file:line:col. Every caller goes through
// here — the CLI, the Vitest binding, the backends' preflight, coverage — so a
// refusal reads the same wherever it is shown. What it does is kube-apiserver's
// LoadPolicyFromFile (k8s.io/apiserver/pkg/audit/policy/reader.go): read the
// bytes, then readPolicy (LoadPolicyFromBytes). A module directory
// (src/audit/modules/) comes in the same door: each module file is loaded as
// a policy file is, then they are composed, and the text is the composed
// policy, exactly what `auditspec build` writes and kube-apiserver is given.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { composeModules, type LoadedModule } from '../modules/compose.js';
import { isModuleDirectory, moduleNames } from '../modules/discover.js';
import { renderPolicy } from '../modules/render.js';
import type { KubeVersion, Policy, PolicyWarning } from '../types.js';
import { goQuote } from '../../go/strconv/quote.js';
import { PolicyLoadError } from './loadError.js';
import { readPolicy } from './reader.js';

/**
 * A policy file (read from `file`), or a policy's text. `displayPath` names it
 * in positions and messages: by default the file's path, or "<inline>" for a text.
 */
export type PolicySource = { file: string; displayPath?: string } | { text: string; displayPath?: string };

export interface LoadPolicyOptions {
  /** The kube-apiserver version whose rules apply; default DEFAULT_KUBE_VERSION. */
  kubeVersion?: KubeVersion;
}

export interface LoadedPolicy {
  policy: Policy;
  /** What kube-apiserver's lenient decoding silently forgives. */
  warnings: PolicyWarning[];
  /** The policy's text as read; for a module directory, the composed policy kube-apiserver is given. */
  text: string;
}

/**
 * Loads a policy as kube-apiserver would, or throws the PolicyLoadError it
 * would refuse to start with (`unreadable` set when the file could not be read).
 */
export function loadPolicy(source: PolicySource, options: LoadPolicyOptions = {}): LoadedPolicy {
  if ('file' in source && isModuleDirectory(source.file)) return loadModuleDirectory(source.file, source.displayPath ?? source.file, options);
  const text = 'text' in source ? source.text : readPolicyText(source.file, source.displayPath ?? source.file);
  const result = readPolicy(text, { file: source.displayPath ?? ('file' in source ? source.file : undefined), kubeVersion: options.kubeVersion });
  if (!result.ok) throw result.error;
  return { policy: result.policy, warnings: result.warnings, text };
}

/**
 * Loads each module of a directory as the policy file it is, then composes
 * them. The first module kube-apiserver would refuse is the error (with that
 * module's file:line:col); modules that load but do not compose throw
 * ModuleCompositionError; a directory without modules is unreadable.
 */
function loadModuleDirectory(dir: string, displayPath: string, options: LoadPolicyOptions): LoadedPolicy {
  const names = moduleNames(dir);
  // Nothing to compose is a wrong argument, like a missing file: there is no policy to judge.
  if (names.length === 0) {
    const why = 'a directory without policy modules (*.yaml, *.yml or *.json files)';
    throw new PolicyLoadError(`failed to read file path ${goQuote(dir)}: ${why}`, displayPath, { unreadable: why });
  }
  const modules: LoadedModule[] = [];
  const warnings: PolicyWarning[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const loaded = loadPolicy({ file: path, displayPath: join(displayPath, name) }, options);
    modules.push({ name, path, policy: loaded.policy });
    warnings.push(...loaded.warnings);
  }
  const policy = composeModules(modules, displayPath);
  return { policy, warnings, text: renderPolicy(policy) };
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
