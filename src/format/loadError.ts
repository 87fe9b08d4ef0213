// A policy kube-apiserver would refuse, as one text: where (file:line:col, as
// `auditspec check` prints it), kube-apiserver's own message, and the hints.
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ModuleCompositionError } from '../audit/modules/compose.js';
import { isModuleDirectory } from '../audit/modules/discover.js';
import { loadErrorHints } from '../audit/policy/loadErrorHints.js';
import type { PolicyLoadError } from '../audit/policy/reader.js';
import type { SourcePosition } from '../audit/types.js';

/** Where kube-apiserver's error points: decoding errors carry a position, validation errors one per field. */
export function loadErrorPosition(error: PolicyLoadError): SourcePosition | undefined {
  return error.pos ?? error.details.find((e) => e.pos)?.pos;
}

export function formatLoadError(error: PolicyLoadError, displayPath: string, text: string): string {
  const pos = loadErrorPosition(error);
  const where = pos ? `${displayPath}:${pos.line}:${pos.col}` : displayPath;
  // Modules that do not compose are our refusal: kube-apiserver only ever sees the composed file.
  const refusal = error instanceof ModuleCompositionError ? 'the modules do not compose into one policy' : 'kube-apiserver would refuse to start with this policy';
  const lines = [`${where}: ${refusal}: ${error.message}`];
  // A validation failure names several fields in one message; each gets its own place.
  if (error.details.length > 1) {
    for (const detail of error.details) {
      if (detail.pos) lines.push(`${displayPath}:${detail.pos.line}:${detail.pos.col}: ${detail.message}`);
    }
  }
  for (const hint of loadErrorHints(text, error.message, pos)) lines.push(`hint: ${hint}`);
  return lines.join('\n');
}

/** The same, reading the file's text for the hints. */
export function formatLoadErrorOfFile(error: PolicyLoadError, displayPath: string, file: string): string {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    // Read a moment ago by the loader; without it there are just no hints.
  }
  return formatLoadError(error, displayPath, text);
}

/**
 * The same for whatever readPolicyPath refused: a module directory's error is
 * shown against the module file it is in (its position and hints), not the directory.
 */
export function formatLoadErrorOfPath(error: PolicyLoadError, displayPath: string, path: string): string {
  if (!isModuleDirectory(path)) return formatLoadErrorOfFile(error, displayPath, path);
  return formatLoadErrorOfFile(error, error.file, join(path, basename(error.file)));
}
