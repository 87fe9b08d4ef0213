// YAML syntax errors worded the way kube-apiserver prints them.
//
// kube-apiserver parses YAML with go-yaml v2, a port of libyaml, and reports
// "yaml: line N: <libyaml problem>". We parse with the `yaml` package, which
// finds the same mistakes but words them differently and stops at different
// tokens. This module translates its error into libyaml's wording for the
// mistakes people make in policy files (tabs, bad indentation, unclosed quotes
// and brackets, stray `: `), including libyaml's line quirks:
//  - scanner problems print the 1-based line of the problem;
//  - parser problems print the 0-based line of the offending token (so one
//    less than where it is), and end of input counts as one line further down
//    when the text does not end with a newline;
//  - a line of 0 is not printed at all ("yaml: mapping values are not allowed...").
// The "yaml: " prefix and the problem texts are libyaml's; which problem and
// line libyaml picks for unusual malformed input is reproduced best effort.

import type { YAMLError } from 'yaml';

type Kind = 'scanner' | 'parser';

interface Problem {
  kind: Kind;
  /** 0-based line of libyaml's problem mark. */
  line: number;
  message: string;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** 0-based line of an offset. */
function lineOf(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function lineText(text: string, starts: number[], line: number): string {
  const end = line + 1 < starts.length ? starts[line + 1] - 1 : text.length;
  return text.slice(starts[line], end).replace(/\r$/, '');
}

function indentOf(s: string): number {
  return s.length - s.trimStart().length;
}

function isBlankOrComment(s: string): boolean {
  const t = s.trim();
  return t === '' || t.startsWith('#');
}

/** libyaml's STREAM-END mark: a last line without a newline counts as one more line. */
function endOfStreamLine(text: string, starts: number[]): number {
  const last = starts.length - 1;
  return text.length > starts[last] ? last + 1 : last;
}

/**
 * Which block collection libyaml is in when a line at this indentation breaks
 * it: under a `- ` entry at the same column it wanted another `-`, otherwise
 * another key.
 */
function expectedAt(text: string, starts: number[], line: number): string {
  const col = indentOf(lineText(text, starts, line));
  for (let l = line - 1; l >= 0; l--) {
    const s = lineText(text, starts, l);
    if (isBlankOrComment(s)) continue;
    const indent = indentOf(s);
    if (indent === col) {
      return /^-(\s|$)/.test(s.trimStart()) ? "did not find expected '-' indicator" : 'did not find expected key';
    }
    if (indent < col) break;
  }
  return 'did not find expected key';
}

/** The `:` that libyaml refuses in "mapping values are not allowed in this context". */
function nestedMappingColon(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === ':' && (i + 1 === text.length || /\s/.test(text[i + 1]))) return i;
  }
  return from;
}

function problemFor(error: YAMLError, text: string, starts: number[]): Problem {
  const at = error.pos[0];
  const line = lineOf(starts, Math.min(at, text.length));
  const msg = error.message;
  switch (error.code) {
    case 'TAB_AS_INDENT':
    case 'BAD_SCALAR_START':
      return { kind: 'scanner', line, message: 'found character that cannot start any token' };
    case 'BAD_DQ_ESCAPE':
      return { kind: 'scanner', line, message: 'found unknown escape character' };
    case 'BAD_ALIAS':
      return { kind: 'scanner', line, message: 'did not find expected alphabetic or numeric character' };
    case 'BAD_DIRECTIVE':
      return { kind: 'scanner', line, message: 'found unknown directive name' };
    case 'TAG_RESOLVE_FAILED':
      if (/Verbatim/.test(msg)) return { kind: 'scanner', line, message: "did not find the expected '>'" };
      break;
    case 'BLOCK_AS_IMPLICIT_KEY':
      if (/Nested mappings/.test(msg)) {
        return { kind: 'scanner', line: lineOf(starts, nestedMappingColon(text, at)), message: 'mapping values are not allowed in this context' };
      }
      break;
    case 'MISSING_CHAR':
      if (/closing ["']quote/.test(msg)) {
        // The quoted scalar runs to the end of input (no extra line: the scanner, not STREAM-END, fails).
        return { kind: 'scanner', line: lineOf(starts, text.length), message: 'found unexpected end of stream' };
      }
      if (/Implicit map keys need to be followed by map values/.test(msg)) {
        return { kind: 'scanner', line, message: "could not find expected ':'" };
      }
      return { kind: 'parser', line, message: expectedAt(text, starts, line) };
    case 'BAD_INDENT':
      if (/Flow sequence/.test(msg)) return { kind: 'parser', line: flowEndLine(text, starts, at), message: "did not find expected ',' or ']'" };
      if (/Flow map/.test(msg)) return { kind: 'parser', line: flowEndLine(text, starts, at), message: "did not find expected ',' or '}'" };
      return { kind: 'parser', line, message: expectedAt(text, starts, line) };
    case 'MULTILINE_IMPLICIT_KEY':
    case 'UNEXPECTED_TOKEN': {
      if (text[at] === ',') return { kind: 'parser', line, message: 'did not find expected node content' };
      const before = lineText(text, starts, line).slice(0, at - starts[line]);
      if (/[\]}]/.test(text[at] ?? '') && /(^|:\s+|-\s+)$/.test(before.trimStart() === '' ? '' : before)) {
        return { kind: 'parser', line, message: 'did not find expected node content' };
      }
      return { kind: 'parser', line, message: expectedAt(text, starts, line) };
    }
  }
  return { kind: 'parser', line, message: expectedAt(text, starts, line) };
}

/** Where an unclosed flow collection is given up on: the next token, or end of input. */
function flowEndLine(text: string, starts: number[], at: number): number {
  const line = lineOf(starts, Math.min(at, text.length));
  if (at >= text.length || text.slice(at).trim() === '') return endOfStreamLine(text, starts);
  return line;
}

/**
 * The "yaml: ..." error go-yaml v2 would give for the first syntax error of
 * the document, without the "yaml: " prefix's line formatting applied yet.
 */
export function describeYamlSyntaxError(error: YAMLError, text: string): string {
  const starts = lineStarts(text);
  const problem = problemFor(error, text, starts);
  // decode.go parser.fail: scanner errors print line+1, parser errors the 0-based line; 0 prints nothing.
  const printed = problem.line === 0 ? 0 : problem.kind === 'scanner' ? problem.line + 1 : problem.line;
  return printed === 0 ? problem.message : `line ${printed}: ${problem.message}`;
}
