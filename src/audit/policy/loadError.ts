// Why a policy did not load, as one error type every caller shows the same way:
// `file:line:col: kube-apiserver would refuse to start with this policy: <its
// own words>`, one more `file:line:col:` line per field when validation found
// several, then hints. `reason` keeps kube-apiserver's message verbatim (it is
// the judge, and it is what people search for); the hints explain the cases
// where it says little: a missing apiVersion (or an empty file) gives only
// "unknown group version field audit.k8s.io/__internal, Kind=Policy", and
// go-yaml's "line N" is counted its own way (go/yaml/errors.ts), so it can
// differ from where the token is.
import type { PolicyWarning, SourcePosition } from '../types.js';
import type { FieldError } from '../validation/fieldErrors.js';
import { formatPosition } from './sourceMap.js';

export class PolicyLoadError extends Error {
  override name = 'PolicyLoadError';
  /** Where kube-apiserver's error points: decoding errors carry a position, validation errors one per field. */
  readonly pos: SourcePosition | undefined;
  /** The individual validation errors, with positions; empty for decoding failures. */
  readonly details: FieldError[];
  /** What kube-apiserver's message leaves unsaid (an empty file, no apiVersion, go-yaml's line count). */
  readonly hints: string[];
  /** What lenient decoding forgave before the refusal; often explains it. */
  readonly warnings: PolicyWarning[];
  /** Set (to why, in a few words) when the file could not be read; the policy was never seen. */
  readonly unreadable: string | undefined;

  constructor(
    /**
     * kube-apiserver's error text exactly: LoadPolicyFromBytes' (its
     * LoadPolicyFromFile appends ": from file <path>"), or LoadPolicyFromFile's
     * "failed to read file path …" when the file could not be read.
     */
    readonly reason: string,
    /** The file as named in positions and messages. */
    readonly file: string,
    options: {
      pos?: SourcePosition;
      details?: FieldError[];
      /** The policy text, for the hints. */
      text?: string;
      warnings?: PolicyWarning[];
      unreadable?: string;
      cause?: unknown;
    } = {},
  ) {
    super('', options.cause === undefined ? undefined : { cause: options.cause });
    this.details = options.details ?? [];
    this.warnings = options.warnings ?? [];
    this.unreadable = options.unreadable;
    this.pos = options.pos ?? this.details.find((e) => e.pos)?.pos;
    this.hints = options.unreadable === undefined ? loadErrorHints(options.text ?? '', reason, this.pos) : [];
    this.message = this.format();
  }

  /**
   * Where the refusal points and what it leaves unsaid, without repeating the
   * reason: for a message that already carries kube-apiserver's words (an end-to-end
   * backend's "loading audit policy file: …"), so it still says where to look.
   */
  whereLines(): string[] {
    if (this.unreadable !== undefined) return [];
    const lines = this.pos ? [`at ${formatPosition(this.pos, { file: this.file })}`] : [];
    if (this.details.length > 1) {
      for (const detail of this.details) if (detail.pos) lines.push(`${formatPosition(detail.pos, { file: this.file })}: ${detail.message}`);
    }
    for (const hint of this.hints) lines.push(`hint: ${hint}`);
    return lines;
  }

  private format(): string {
    if (this.unreadable !== undefined) return `${this.file}: cannot read policy: ${this.unreadable}`;
    const lines = [`${formatPosition(this.pos, { file: this.file })}: kube-apiserver would refuse to start with this policy: ${this.reason}`];
    // A validation failure names several fields in one message; each gets its own place.
    if (this.details.length > 1) {
      for (const detail of this.details) if (detail.pos) lines.push(`${formatPosition(detail.pos)}: ${detail.message}`);
    }
    for (const hint of this.hints) lines.push(`hint: ${hint}`);
    return lines.join('\n');
  }
}

const UNKNOWN_KIND = 'unknown group version field audit.k8s.io/__internal, Kind=Policy';
const HEADER = '"apiVersion: audit.k8s.io/v1" and "kind: Policy"';

/** A top-level key, in YAML block style or JSON; a hint only, never a decision. */
const hasTopLevelKey = (text: string, key: string): boolean =>
  new RegExp(`^(${key}|"${key}"|'${key}')\\s*:`, 'm').test(text) || (text.trimStart().startsWith('{') && text.includes(`"${key}"`));

function loadErrorHints(text: string, message: string, pos: SourcePosition | undefined): string[] {
  const hints: string[] = [];
  if (message.includes(UNKNOWN_KIND)) {
    if (text.trim() === '') hints.push(`the file is empty: a policy starts with ${HEADER}, then its rules`);
    else if (!hasTopLevelKey(text, 'apiVersion')) hints.push(`the file has no top-level apiVersion: kube-apiserver needs ${HEADER} to know it is reading a policy`);
    else hints.push(`kube-apiserver could not read apiVersion and kind at the top level of this file; it needs ${HEADER}`);
  }
  const yamlLine = /yaml: line (\d+):/.exec(message);
  if (yamlLine && pos && Number(yamlLine[1]) !== pos.line) {
    const counted = Number(yamlLine[1]);
    // Parser errors print go-yaml's 0-based mark (go/yaml/errors.ts): one less than the line it means.
    hints.push(
      counted === pos.line - 1
        ? `go-yaml numbers lines from 0 in this message: its "line ${counted}" is line ${pos.line} of the file, where the problem is (column ${pos.col})`
        : `"line ${counted}" is go-yaml's count, not the file's: the problem is at line ${pos.line}, column ${pos.col}`,
    );
  }
  return hints;
}
