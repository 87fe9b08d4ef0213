// A policy argument may be a policy file or a module directory; this is where
// the two meet, so callers that accept "a policy" take both the same way. A
// directory's failures name the module file (and its file:line:col), never the
// directory.
import { readFileSync } from 'node:fs';
import { readPolicyFile, type ReadPolicyOptions, type ReadPolicyResult } from '../policy/reader.js';
import { composeModules } from './compose.js';
import { isModuleDirectory } from './discover.js';
import { renderPolicy } from './render.js';

export { isModuleDirectory } from './discover.js';

/** readPolicyFile for a file; composeModules for a module directory. */
export function readPolicyPath(path: string, options: ReadPolicyOptions = {}): ReadPolicyResult {
  return isModuleDirectory(path) ? composeModules(path, options) : readPolicyFile(path, options);
}

/**
 * The text kube-apiserver is given for `path`: a file's own bytes, or for a
 * module directory the composed policy exactly as `auditspec build` writes it.
 * Throws the PolicyLoadError of a directory whose modules do not compose, and
 * a plain Error for a file that cannot be read.
 */
export function policyTextOfPath(path: string): string {
  if (!isModuleDirectory(path)) return readFileSync(path, 'utf8');
  const composed = composeModules(path);
  if (!composed.ok) throw composed.error;
  return renderPolicy(composed.policy);
}
