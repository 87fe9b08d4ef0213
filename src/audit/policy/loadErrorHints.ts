// Hints shown beside kube-apiserver's own message when a policy does not load.
// The message itself stays verbatim (kube-apiserver is the judge, and it is
// what people search for); these lines explain the cases where it says little:
// a missing apiVersion (or an empty file) gives only "unknown group version
// field audit.k8s.io/__internal, Kind=Policy", and go-yaml's "line N" is
// counted its own way (yamlErrors.ts), so it can differ from where the token is.
import type { SourcePosition } from '../types.js';

const UNKNOWN_KIND = 'unknown group version field audit.k8s.io/__internal, Kind=Policy';
const HEADER = '"apiVersion: audit.k8s.io/v1" and "kind: Policy"';

/** A top-level key, in YAML block style or JSON; a hint only, never a decision. */
const hasTopLevelKey = (text: string, key: string): boolean =>
  new RegExp(`^(${key}|"${key}"|'${key}')\\s*:`, 'm').test(text) || (text.trimStart().startsWith('{') && text.includes(`"${key}"`));

export function loadErrorHints(text: string, message: string, pos: SourcePosition | undefined): string[] {
  const hints: string[] = [];
  if (message.includes(UNKNOWN_KIND)) {
    if (text.trim() === '') hints.push(`the file is empty: a policy starts with ${HEADER}, then its rules`);
    else if (!hasTopLevelKey(text, 'apiVersion')) hints.push(`the file has no top-level apiVersion: kube-apiserver needs ${HEADER} to know it is reading a policy`);
    else hints.push(`kube-apiserver could not read apiVersion and kind at the top level of this file; it needs ${HEADER}`);
  }
  const yamlLine = /yaml: line (\d+):/.exec(message);
  if (yamlLine && pos && Number(yamlLine[1]) !== pos.line) {
    const counted = Number(yamlLine[1]);
    // Parser errors print go-yaml's 0-based mark (yamlErrors.ts): one less than the line it means.
    hints.push(
      counted === pos.line - 1
        ? `go-yaml numbers lines from 0 in this message: its "line ${counted}" is line ${pos.line} of the file, where the problem is (column ${pos.col})`
        : `"line ${counted}" is go-yaml's count, not the file's: the problem is at line ${pos.line}, column ${pos.col}`,
    );
  }
  return hints;
}
