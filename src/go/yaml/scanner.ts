// Upstream: go.yaml.in/yaml/v2 readerc.go, scannerc.go.
//
// The tokenizer of go-yaml v2 (go.yaml.in/yaml/v2 v2.4.3, which sigs.k8s.io/yaml
// and so kube-apiserver's policy loader use): a TypeScript rendition of its
// readerc.go and scannerc.go, themselves a port of libyaml.
// libyaml's licence (MIT, Copyright (c) 2006 Kirill Simonov) applies to this
// rendition too: see THIRD_PARTY_NOTICES.md.
//
// Which YAML mistakes a policy file is refused for, and the exact message, are
// decided here, so the scanner keeps libyaml's control flow rather than a
// grammar of its own: indentation is tracked as a stack of columns, implicit
// keys are "possible simple keys" that a later `:` turns into KEY tokens
// inserted back into the queue, and every lookahead goes through `cache(n)`
// as libyaml's does. The last point matters for one observable effect:
// libyaml decodes its input in 512-byte chunks and refuses a control
// character when the chunk holding it is decoded, which can be before an
// earlier syntax error is reached.
//
// Positions (Mark) count characters (code points) as libyaml does; `index`
// is also the index into the scanner's code point array.

/** A position as libyaml keeps it: 0-based line and column, character index. */
export interface Mark {
  index: number;
  line: number;
  column: number;
}

export type TokenType =
  | 'STREAM-START'
  | 'STREAM-END'
  | 'VERSION-DIRECTIVE'
  | 'TAG-DIRECTIVE'
  | 'DOCUMENT-START'
  | 'DOCUMENT-END'
  | 'BLOCK-SEQUENCE-START'
  | 'BLOCK-MAPPING-START'
  | 'BLOCK-END'
  | 'FLOW-SEQUENCE-START'
  | 'FLOW-SEQUENCE-END'
  | 'FLOW-MAPPING-START'
  | 'FLOW-MAPPING-END'
  | 'BLOCK-ENTRY'
  | 'FLOW-ENTRY'
  | 'KEY'
  | 'VALUE'
  | 'ALIAS'
  | 'ANCHOR'
  | 'TAG'
  | 'SCALAR';

export type ScalarStyle = 'plain' | 'single-quoted' | 'double-quoted' | 'literal' | 'folded';

export interface Token {
  type: TokenType;
  start: Mark;
  end: Mark;
  /** Anchor or alias name, scalar value, tag handle, %TAG handle. */
  value?: string;
  /** Tag suffix; %TAG prefix. */
  suffix?: string;
  style?: ScalarStyle;
  major?: number;
  minor?: number;
}

/**
 * A libyaml error: which stage failed, its problem text and marks, as go-yaml's
 * parser.fail() reads them.
 */
export class YamlSyntaxError extends Error {
  constructor(
    readonly stage: 'reader' | 'scanner' | 'parser',
    readonly problem: string,
    readonly problemMark: Mark | undefined,
    readonly context: string = '',
    readonly contextMark: Mark | undefined = undefined,
    /** For reader errors: the character refused (libyaml only keeps its byte offset). */
    readonly characterIndex?: number,
  ) {
    super(problem);
  }
}

/** libyaml's limits (max_flow_level, max_indents). */
const MAX_FLOW_LEVEL = 10000;
const MAX_INDENTS = 10000;
/** An implicit key must end within 1024 characters of its start. */
const SIMPLE_KEY_LENGTH = 1024;
/** input_raw_buffer_size: how many bytes libyaml reads (and decodes) at a time. */
const RAW_BUFFER_SIZE = 512;

const NUL = 0;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const NEL = 0x85;
const LS = 0x2028;
const PS = 0x2029;
const BOM = 0xfeff;

const ch = (s: string): number => s.charCodeAt(0);

function utf8Width(c: number): number {
  return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
}

/** What libyaml's reader lets through: YAML's printable set plus tab and line breaks. */
function allowedInStream(c: number): boolean {
  return (
    c === TAB ||
    c === LF ||
    c === CR ||
    (c >= 0x20 && c <= 0x7e) ||
    c === NEL ||
    (c >= 0xa0 && c <= 0xd7ff) ||
    (c >= 0xe000 && c <= 0xfffd) ||
    (c >= 0x10000 && c <= 0x10ffff)
  );
}

/** is_alpha: the characters of anchor names, tag handles and directive names. */
function isWordChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x2d;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

function hexValue(c: number): number {
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return c - 0x30;
}

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB;
}

function isBreak(c: number): boolean {
  return c === CR || c === LF || c === NEL || c === LS || c === PS;
}

function isBreakOrEnd(c: number): boolean {
  return isBreak(c) || c === NUL;
}

function isBlankOrEnd(c: number): boolean {
  return isBlank(c) || isBreakOrEnd(c);
}

/** Characters allowed in a tag URI (besides `%` escapes, handled apart). */
const URI_CHARS = new Set([...";/?:@&=+$,.!~*'()[]%"].map(ch));

/** After an anchor or alias name, one of these (or a blank) must follow. */
const AFTER_ANCHOR = new Set([...'?:,]}%@`'].map(ch));

/** Characters that cannot start a plain scalar (some may, followed by a non-blank). */
const INDICATORS = new Set([...'-?:,[]{}#&*!|>\'"%@`'].map(ch));

/** Double-quoted escapes with a fixed meaning (\\x, \\u and \\U take hex digits). */
const SIMPLE_ESCAPES = new Map<string, string>([
  ['0', '\0'],
  ['a', '\x07'],
  ['b', '\x08'],
  ['t', '\t'],
  ['\t', '\t'],
  ['n', '\n'],
  ['v', '\x0b'],
  ['f', '\x0c'],
  ['r', '\r'],
  ['e', '\x1b'],
  [' ', ' '],
  ['"', '"'],
  ["'", "'"],
  ['\\', '\\'],
  ['N', '\u0085'],
  ['_', '\u00a0'],
  ['L', '\u2028'],
  ['P', '\u2029'],
]);

/** The text a JS string is for libyaml: code points, lone surrogates as U+FFFD (what UTF-8 encoding makes of them). */
function codePoints(text: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out.push(0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00));
        i++;
        continue;
      }
    }
    out.push(c >= 0xd800 && c <= 0xdfff ? 0xfffd : c);
  }
  return out;
}

interface SimpleKey {
  possible: boolean;
  required: boolean;
  tokenNumber: number;
  mark: Mark;
}

export class YamlScanner {
  /** The characters after a leading byte order mark, which the reader skips. */
  readonly chars: number[];
  /** Whether the input started with a byte order mark. */
  readonly bom: boolean;

  // --- reader state (readerc.go): how far the input has been read and decoded
  private readonly totalBytes: number;
  private bytesRead = 0;
  private rawStart = 0;
  private decodedBytes = 0;
  private decodedChars = 0;
  private endPadding = 0;
  private eof = false;
  private encodingKnown = false;
  /** Where libyaml's character buffer starts (is_bom looks there, whatever the position). */
  private bufferStart = 0;

  // --- scanner state
  private pos = 0;
  private mark: Mark = { index: 0, line: 0, column: 0 };
  private readonly tokens: Token[] = [];
  private head = 0;
  /** Tokens handed to the parser so far (tokens_parsed). */
  private parsed = 0;
  private tokenAvailable = false;
  private streamStartProduced = false;
  private streamEndProduced = false;
  private indent = -1;
  private readonly indents: number[] = [];
  private simpleKeyAllowed = false;
  private readonly simpleKeys: SimpleKey[] = [];
  private readonly simpleKeysByToken = new Map<number, number>();
  private flowLevel = 0;

  constructor(text: string) {
    // go-yaml reads an empty input as a single line break.
    const source = text === '' ? '\n' : text;
    const all = codePoints(source);
    this.bom = all[0] === BOM;
    this.chars = this.bom ? all.slice(1) : all;
    let bytes = this.bom ? 3 : 0;
    for (const c of this.chars) bytes += utf8Width(c);
    this.totalBytes = bytes;
  }

  // --- reader ---------------------------------------------------------------

  private get unread(): number {
    return this.decodedChars + this.endPadding - this.pos;
  }

  /** The character at `pos + k`; NUL past the end, as libyaml pads its buffer. */
  private at(k = 0): number {
    const i = this.pos + k;
    return i < this.chars.length ? this.chars[i] : NUL;
  }

  /** yaml_parser_update_raw_buffer: read the next chunk of bytes. */
  private readRaw(): void {
    const rawLength = this.bytesRead - this.rawStart;
    if (this.decodedBytes === this.rawStart && rawLength === RAW_BUFFER_SIZE) return;
    if (this.eof) return;
    this.rawStart = this.decodedBytes;
    if (this.bytesRead === this.totalBytes) {
      this.eof = true;
      return;
    }
    const room = RAW_BUFFER_SIZE - (this.bytesRead - this.rawStart);
    this.bytesRead += Math.min(room, this.totalBytes - this.bytesRead);
  }

  /** yaml_parser_update_buffer: decode more input until `length` characters are available. */
  private updateBuffer(length: number): void {
    if (this.unread >= length) return;
    if (!this.encodingKnown) {
      while (!this.eof && this.bytesRead - this.decodedBytes < 3) this.readRaw();
      // A UTF-8 byte order mark is skipped; the marks do not count it.
      if (this.bom) this.decodedBytes += 3;
      this.encodingKnown = true;
    }
    this.bufferStart = this.pos;
    let first = true;
    while (this.unread < length) {
      if (!first || this.decodedBytes === this.bytesRead) this.readRaw();
      first = false;
      while (this.decodedBytes !== this.bytesRead) {
        const c = this.chars[this.decodedChars];
        const width = utf8Width(c);
        if (this.decodedBytes + width > this.bytesRead) break;
        if (!allowedInStream(c)) {
          throw new YamlSyntaxError('reader', 'control characters are not allowed', undefined, '', undefined, this.decodedChars);
        }
        this.decodedBytes += width;
        this.decodedChars++;
      }
      if (this.eof) {
        this.endPadding++;
        break;
      }
    }
  }

  private cache(length: number): void {
    if (this.unread < length) this.updateBuffer(length);
  }

  private skip(): void {
    this.pos++;
    this.mark.index++;
    this.mark.column++;
  }

  private skipLine(): void {
    if (this.at() === CR && this.at(1) === LF) {
      this.pos += 2;
      this.mark.index += 2;
      this.mark.column = 0;
      this.mark.line++;
    } else if (isBreak(this.at())) {
      this.pos++;
      this.mark.index++;
      this.mark.column = 0;
      this.mark.line++;
    }
  }

  /** Consumes the current character, returning it as a string. */
  private read(): string {
    const c = this.at();
    this.skip();
    return String.fromCodePoint(c);
  }

  /** Consumes a line break: CR LF, CR, LF and NEL become "\n", LS and PS stay themselves. */
  private readLine(): string {
    const c = this.at();
    let out: string;
    if (c === CR && this.at(1) === LF) {
      out = '\n';
      this.pos += 2;
      this.mark.index++;
    } else if (c === CR || c === LF || c === NEL) {
      out = '\n';
      this.pos++;
    } else if (c === LS || c === PS) {
      out = String.fromCodePoint(c);
      this.pos++;
    } else {
      return '';
    }
    this.mark.index++;
    this.mark.column = 0;
    this.mark.line++;
    return out;
  }

  private here(): Mark {
    return { ...this.mark };
  }

  private fail(context: string, contextMark: Mark, problem: string): never {
    throw new YamlSyntaxError('scanner', problem, this.here(), context, { ...contextMark });
  }

  // --- the token queue ------------------------------------------------------

  /** The next token without consuming it (peek_token). */
  peek(): Token {
    if (!this.tokenAvailable) this.fetchMoreTokens();
    return this.tokens[this.head];
  }

  /** Consumes the token peek() returned (skip_token). */
  consume(): void {
    this.tokenAvailable = false;
    this.parsed++;
    this.streamEndProduced = this.tokens[this.head].type === 'STREAM-END';
    this.head++;
  }

  get atStreamEnd(): boolean {
    return this.streamEndProduced;
  }

  private insertToken(position: number, token: Token): void {
    if (position < 0) this.tokens.push(token);
    else this.tokens.splice(this.head + position, 0, token);
  }

  private queued(): number {
    return this.tokens.length - this.head;
  }

  /** Scans until the head token can no longer turn out to be an implicit key. */
  private fetchMoreTokens(): void {
    for (;;) {
      if (this.head !== this.tokens.length) {
        const keyIndex = this.simpleKeysByToken.get(this.parsed);
        if (keyIndex === undefined) break;
        if (!this.simpleKeyStillPossible(this.simpleKeys[keyIndex])) break;
      }
      this.fetchNextToken();
    }
    this.tokenAvailable = true;
  }

  // --- simple keys, flow levels, indentation --------------------------------

  /** yaml_simple_key_is_valid: a key must end on its line, within 1024 characters. */
  private simpleKeyStillPossible(key: SimpleKey): boolean {
    if (!key.possible) return false;
    if (key.mark.line < this.mark.line || key.mark.index + SIMPLE_KEY_LENGTH < this.mark.index) {
      if (key.required) this.fail('while scanning a simple key', key.mark, "could not find expected ':'");
      key.possible = false;
      return false;
    }
    return true;
  }

  private saveSimpleKey(): void {
    // In block context a key is required where the column is the indentation.
    const required = this.flowLevel === 0 && this.indent === this.mark.column;
    if (!this.simpleKeyAllowed) return;
    const key: SimpleKey = { possible: true, required, tokenNumber: this.parsed + this.queued(), mark: this.here() };
    this.removeSimpleKey();
    const last = this.simpleKeys.length - 1;
    this.simpleKeys[last] = key;
    this.simpleKeysByToken.set(key.tokenNumber, last);
  }

  private removeSimpleKey(): void {
    const key = this.simpleKeys[this.simpleKeys.length - 1];
    if (!key.possible) return;
    if (key.required) this.fail('while scanning a simple key', key.mark, "could not find expected ':'");
    key.possible = false;
    this.simpleKeysByToken.delete(key.tokenNumber);
  }

  private increaseFlowLevel(): void {
    this.simpleKeys.push({ possible: false, required: false, tokenNumber: this.parsed + this.queued(), mark: this.here() });
    this.flowLevel++;
    if (this.flowLevel > MAX_FLOW_LEVEL) {
      this.fail('while increasing flow level', this.simpleKeys[this.simpleKeys.length - 1].mark, `exceeded max depth of ${MAX_FLOW_LEVEL}`);
    }
  }

  private decreaseFlowLevel(): void {
    if (this.flowLevel === 0) return;
    this.flowLevel--;
    const key = this.simpleKeys.pop()!;
    this.simpleKeysByToken.delete(key.tokenNumber);
  }

  /** Opens a block collection when `column` is deeper than the current indentation. */
  private rollIndent(column: number, tokenNumber: number, type: TokenType, mark: Mark): void {
    if (this.flowLevel > 0) return;
    if (this.indent >= column) return;
    this.indents.push(this.indent);
    this.indent = column;
    if (this.indents.length > MAX_INDENTS) {
      this.fail('while increasing indent level', this.simpleKeys[this.simpleKeys.length - 1].mark, `exceeded max depth of ${MAX_INDENTS}`);
    }
    const token: Token = { type, start: { ...mark }, end: { ...mark } };
    this.insertToken(tokenNumber > -1 ? tokenNumber - this.parsed : -1, token);
  }

  /** Closes every block collection indented deeper than `column`. */
  private unrollIndent(column: number): void {
    if (this.flowLevel > 0) return;
    while (this.indent > column) {
      this.insertToken(-1, { type: 'BLOCK-END', start: this.here(), end: this.here() });
      this.indent = this.indents.pop()!;
    }
  }

  // --- the dispatcher ---------------------------------------------------------

  private fetchNextToken(): void {
    this.cache(1);
    if (!this.streamStartProduced) {
      this.fetchStreamStart();
      return;
    }
    this.skipToNextToken();
    this.unrollIndent(this.mark.column);
    // The longest indicators ("--- ", "... ") need four characters.
    this.cache(4);
    const c = this.at();
    if (c === NUL) return this.fetchStreamEnd();
    const column0 = this.mark.column === 0;
    if (column0 && c === ch('%')) return this.fetchDirective();
    if (column0 && this.documentIndicatorAhead('-')) return this.fetchDocumentIndicator('DOCUMENT-START');
    if (column0 && this.documentIndicatorAhead('.')) return this.fetchDocumentIndicator('DOCUMENT-END');
    if (c === ch('[')) return this.fetchFlowCollectionStart('FLOW-SEQUENCE-START');
    if (c === ch('{')) return this.fetchFlowCollectionStart('FLOW-MAPPING-START');
    if (c === ch(']')) return this.fetchFlowCollectionEnd('FLOW-SEQUENCE-END');
    if (c === ch('}')) return this.fetchFlowCollectionEnd('FLOW-MAPPING-END');
    if (c === ch(',')) return this.fetchFlowEntry();
    const next = this.at(1);
    if (c === ch('-') && isBlankOrEnd(next)) return this.fetchBlockEntry();
    if (c === ch('?') && (this.flowLevel > 0 || isBlankOrEnd(next))) return this.fetchKey();
    if (c === ch(':') && (this.flowLevel > 0 || isBlankOrEnd(next))) return this.fetchValue();
    if (c === ch('*')) return this.fetchAnchor('ALIAS');
    if (c === ch('&')) return this.fetchAnchor('ANCHOR');
    if (c === ch('!')) return this.fetchTag();
    if (c === ch('|') && this.flowLevel === 0) return this.fetchBlockScalar(true);
    if (c === ch('>') && this.flowLevel === 0) return this.fetchBlockScalar(false);
    if (c === ch("'")) return this.fetchFlowScalar(true);
    if (c === ch('"')) return this.fetchFlowScalar(false);
    // A plain scalar starts with anything but a blank or an indicator; `-`
    // may start one when a non-blank follows, and in block context so may `?` and `:`.
    if (
      !(isBlankOrEnd(c) || INDICATORS.has(c)) ||
      (c === ch('-') && !isBlank(next)) ||
      (this.flowLevel === 0 && (c === ch('?') || c === ch(':')) && !isBlankOrEnd(next))
    ) {
      return this.fetchPlainScalar();
    }
    this.fail('while scanning for the next token', this.mark, 'found character that cannot start any token');
  }

  /** `---` or `...` followed by a blank, a break or the end (the caller checks column 0). */
  private documentIndicatorAhead(dot: '-' | '.'): boolean {
    const d = ch(dot);
    return this.at() === d && this.at(1) === d && this.at(2) === d && isBlankOrEnd(this.at(3));
  }

  private fetchStreamStart(): void {
    this.indent = -1;
    this.simpleKeys.push({ possible: false, required: false, tokenNumber: 0, mark: { index: 0, line: 0, column: 0 } });
    this.simpleKeyAllowed = true;
    this.streamStartProduced = true;
    this.insertToken(-1, { type: 'STREAM-START', start: this.here(), end: this.here() });
  }

  private fetchStreamEnd(): void {
    // The end of the stream counts as the start of a new line.
    if (this.mark.column !== 0) {
      this.mark.column = 0;
      this.mark.line++;
    }
    this.unrollIndent(-1);
    this.removeSimpleKey();
    this.simpleKeyAllowed = false;
    this.insertToken(-1, { type: 'STREAM-END', start: this.here(), end: this.here() });
  }

  private fetchDirective(): void {
    this.unrollIndent(-1);
    this.removeSimpleKey();
    this.simpleKeyAllowed = false;
    this.insertToken(-1, this.scanDirective());
  }

  private fetchDocumentIndicator(type: 'DOCUMENT-START' | 'DOCUMENT-END'): void {
    this.unrollIndent(-1);
    this.removeSimpleKey();
    this.simpleKeyAllowed = false;
    const start = this.here();
    this.skip();
    this.skip();
    this.skip();
    this.insertToken(-1, { type, start, end: this.here() });
  }

  private fetchFlowCollectionStart(type: 'FLOW-SEQUENCE-START' | 'FLOW-MAPPING-START'): void {
    this.saveSimpleKey();
    this.increaseFlowLevel();
    this.simpleKeyAllowed = true;
    const start = this.here();
    this.skip();
    this.insertToken(-1, { type, start, end: this.here() });
  }

  private fetchFlowCollectionEnd(type: 'FLOW-SEQUENCE-END' | 'FLOW-MAPPING-END'): void {
    this.removeSimpleKey();
    this.decreaseFlowLevel();
    this.simpleKeyAllowed = false;
    const start = this.here();
    this.skip();
    this.insertToken(-1, { type, start, end: this.here() });
  }

  private fetchFlowEntry(): void {
    this.removeSimpleKey();
    this.simpleKeyAllowed = true;
    const start = this.here();
    this.skip();
    this.insertToken(-1, { type: 'FLOW-ENTRY', start, end: this.here() });
  }

  private fetchBlockEntry(): void {
    if (this.flowLevel === 0) {
      if (!this.simpleKeyAllowed) this.fail('', this.mark, 'block sequence entries are not allowed in this context');
      this.rollIndent(this.mark.column, -1, 'BLOCK-SEQUENCE-START', this.mark);
    }
    // A `-` in flow context is left for the parser to refuse, with better context.
    this.removeSimpleKey();
    this.simpleKeyAllowed = true;
    const start = this.here();
    this.skip();
    this.insertToken(-1, { type: 'BLOCK-ENTRY', start, end: this.here() });
  }

  private fetchKey(): void {
    if (this.flowLevel === 0) {
      if (!this.simpleKeyAllowed) this.fail('', this.mark, 'mapping keys are not allowed in this context');
      this.rollIndent(this.mark.column, -1, 'BLOCK-MAPPING-START', this.mark);
    }
    this.removeSimpleKey();
    this.simpleKeyAllowed = this.flowLevel === 0;
    const start = this.here();
    this.skip();
    this.insertToken(-1, { type: 'KEY', start, end: this.here() });
  }

  private fetchValue(): void {
    const key = this.simpleKeys[this.simpleKeys.length - 1];
    if (this.simpleKeyStillPossible(key)) {
      // The saved position was a key after all: slip KEY (and maybe
      // BLOCK-MAPPING-START) into the queue before the tokens scanned since.
      this.insertToken(key.tokenNumber - this.parsed, { type: 'KEY', start: { ...key.mark }, end: { ...key.mark } });
      this.rollIndent(key.mark.column, key.tokenNumber, 'BLOCK-MAPPING-START', key.mark);
      key.possible = false;
      this.simpleKeysByToken.delete(key.tokenNumber);
      this.simpleKeyAllowed = false;
    } else {
      // A value for a complex key (`? ...`) or for no key at all.
      if (this.flowLevel === 0) {
        if (!this.simpleKeyAllowed) this.fail('', this.mark, 'mapping values are not allowed in this context');
        this.rollIndent(this.mark.column, -1, 'BLOCK-MAPPING-START', this.mark);
      }
      this.simpleKeyAllowed = this.flowLevel === 0;
    }
    const start = this.here();
    this.skip();
    this.insertToken(-1, { type: 'VALUE', start, end: this.here() });
  }

  private fetchAnchor(type: 'ALIAS' | 'ANCHOR'): void {
    this.saveSimpleKey();
    this.simpleKeyAllowed = false;
    this.insertToken(-1, this.scanAnchor(type));
  }

  private fetchTag(): void {
    this.saveSimpleKey();
    this.simpleKeyAllowed = false;
    this.insertToken(-1, this.scanTag());
  }

  private fetchBlockScalar(literal: boolean): void {
    this.removeSimpleKey();
    this.simpleKeyAllowed = true;
    this.insertToken(-1, this.scanBlockScalar(literal));
  }

  private fetchFlowScalar(single: boolean): void {
    this.saveSimpleKey();
    this.simpleKeyAllowed = false;
    this.insertToken(-1, this.scanFlowScalar(single));
  }

  private fetchPlainScalar(): void {
    this.saveSimpleKey();
    this.simpleKeyAllowed = false;
    this.insertToken(-1, this.scanPlainScalar());
  }

  /** Skips blanks, comments and line breaks up to the next token. */
  private skipToNextToken(): void {
    for (;;) {
      this.cache(1);
      // libyaml's is_bom looks at the start of its buffer, not at the position (sic).
      if (this.mark.column === 0 && this.chars[this.bufferStart] === BOM && this.bufferStart < this.decodedChars) this.skip();
      this.cache(1);
      // Tabs separate tokens in flow context and after a token that cannot be
      // followed by a key; elsewhere (indentation) they are not skipped.
      while (this.at() === SPACE || ((this.flowLevel > 0 || !this.simpleKeyAllowed) && this.at() === TAB)) {
        this.skip();
        this.cache(1);
      }
      if (this.at() === ch('#')) {
        while (!isBreakOrEnd(this.at())) {
          this.skip();
          this.cache(1);
        }
      }
      if (!isBreak(this.at())) break;
      this.cache(2);
      this.skipLine();
      if (this.flowLevel === 0) this.simpleKeyAllowed = true;
    }
  }

  // --- directives -------------------------------------------------------------

  private skipBlanks(): void {
    this.cache(1);
    while (isBlank(this.at())) {
      this.skip();
      this.cache(1);
    }
  }

  private scanDirective(): Token {
    const start = this.here();
    this.skip();
    const name = this.scanDirectiveName(start);
    let token: Token;
    if (name === 'YAML') {
      const [major, minor] = this.scanVersionDirectiveValue(start);
      token = { type: 'VERSION-DIRECTIVE', start, end: this.here(), major, minor };
    } else if (name === 'TAG') {
      const [handle, prefix] = this.scanTagDirectiveValue(start);
      token = { type: 'TAG-DIRECTIVE', start, end: this.here(), value: handle, suffix: prefix };
    } else {
      this.fail('while scanning a directive', start, 'found unknown directive name');
    }
    // The rest of the line may only be a comment.
    this.skipBlanks();
    if (this.at() === ch('#')) {
      while (!isBreakOrEnd(this.at())) {
        this.skip();
        this.cache(1);
      }
    }
    if (!isBreakOrEnd(this.at())) this.fail('while scanning a directive', start, 'did not find expected comment or line break');
    if (isBreak(this.at())) {
      this.cache(2);
      this.skipLine();
    }
    return token;
  }

  private scanDirectiveName(start: Mark): string {
    this.cache(1);
    let name = '';
    while (isWordChar(this.at())) {
      name += this.read();
      this.cache(1);
    }
    if (name === '') this.fail('while scanning a directive', start, 'could not find expected directive name');
    if (!isBlankOrEnd(this.at())) this.fail('while scanning a directive', start, 'found unexpected non-alphabetical character');
    return name;
  }

  private scanVersionDirectiveValue(start: Mark): [number, number] {
    this.skipBlanks();
    const major = this.scanVersionNumber(start);
    if (this.at() !== ch('.')) this.fail('while scanning a %YAML directive', start, "did not find expected digit or '.' character");
    this.skip();
    const minor = this.scanVersionNumber(start);
    return [major, minor];
  }

  private scanVersionNumber(start: Mark): number {
    this.cache(1);
    let value = 0;
    let length = 0;
    while (isDigit(this.at())) {
      length++;
      if (length > 2) this.fail('while scanning a %YAML directive', start, 'found extremely long version number');
      value = value * 10 + (this.at() - 0x30);
      this.skip();
      this.cache(1);
    }
    if (length === 0) this.fail('while scanning a %YAML directive', start, 'did not find expected version number');
    return value;
  }

  private scanTagDirectiveValue(start: Mark): [string, string] {
    this.skipBlanks();
    const handle = this.scanTagHandle(true, start);
    this.cache(1);
    if (!isBlank(this.at())) this.fail('while scanning a %TAG directive', start, 'did not find expected whitespace');
    while (isBlank(this.at())) {
      this.skip();
      this.cache(1);
    }
    const prefix = this.scanTagUri(true, '', start);
    this.cache(1);
    if (!isBlankOrEnd(this.at())) this.fail('while scanning a %TAG directive', start, 'did not find expected whitespace or line break');
    return [handle, prefix];
  }

  // --- anchors, aliases, tags -------------------------------------------------

  private scanAnchor(type: 'ALIAS' | 'ANCHOR'): Token {
    const start = this.here();
    this.skip();
    this.cache(1);
    let name = '';
    while (isWordChar(this.at())) {
      name += this.read();
      this.cache(1);
    }
    const end = this.here();
    // The name is [0-9A-Za-z_-]+ and must be followed by a blank or one of ?:,]}%@`.
    const c = this.at();
    if (name === '' || !(isBlankOrEnd(c) || AFTER_ANCHOR.has(c))) {
      this.fail(type === 'ANCHOR' ? 'while scanning an anchor' : 'while scanning an alias', start, 'did not find expected alphabetic or numeric character');
    }
    return { type, start, end, value: name };
  }

  private tagError(directive: boolean, start: Mark, problem: string): never {
    this.fail(directive ? 'while parsing a %TAG directive' : 'while parsing a tag', start, problem);
  }

  private scanTag(): Token {
    const start = this.here();
    this.cache(2);
    let handle: string;
    let suffix: string;
    if (this.at(1) === ch('<')) {
      // Verbatim: !<uri>, no handle.
      handle = '';
      this.skip();
      this.skip();
      suffix = this.scanTagUri(false, '', start);
      if (this.at() !== ch('>')) this.fail('while scanning a tag', start, "did not find the expected '>'");
      this.skip();
    } else {
      handle = this.scanTagHandle(false, start);
      if (handle.length > 1 && handle.startsWith('!') && handle.endsWith('!')) {
        suffix = this.scanTagUri(false, '', start);
      } else {
        // Not a handle after all: `!suffix` with the primary handle, or `!` alone.
        suffix = this.scanTagUri(false, handle, start);
        if (suffix === '') {
          suffix = '!';
          handle = '';
        } else {
          handle = '!';
        }
      }
    }
    this.cache(1);
    if (!isBlankOrEnd(this.at())) this.fail('while scanning a tag', start, 'did not find expected whitespace or line break');
    return { type: 'TAG', start, end: this.here(), value: handle, suffix };
  }

  private scanTagHandle(directive: boolean, start: Mark): string {
    this.cache(1);
    if (this.at() !== ch('!')) this.tagError(directive, start, "did not find expected '!'");
    let handle = this.read();
    this.cache(1);
    while (isWordChar(this.at())) {
      handle += this.read();
      this.cache(1);
    }
    if (this.at() === ch('!')) handle += this.read();
    else if (directive && handle !== '!') this.tagError(directive, start, "did not find expected '!'");
    return handle;
  }

  /** A tag URI; `head` is what scanTagHandle already took (its leading `!` is dropped). */
  private scanTagUri(directive: boolean, head: string, start: Mark): string {
    const bytes: number[] = [...Buffer.from(head.slice(1), 'utf8')];
    let found = head.length > 0;
    this.cache(1);
    while (isWordChar(this.at()) || URI_CHARS.has(this.at())) {
      if (this.at() === ch('%')) this.scanUriEscapes(directive, start, bytes);
      else bytes.push(...Buffer.from(this.read(), 'utf8'));
      this.cache(1);
      found = true;
    }
    if (!found) this.tagError(directive, start, 'did not find expected tag URI');
    return Buffer.from(bytes).toString('utf8');
  }

  /** %XX escapes making up one UTF-8 character. */
  private scanUriEscapes(directive: boolean, start: Mark, bytes: number[]): void {
    let remaining = -1;
    while (remaining !== 0) {
      this.cache(3);
      if (!(this.at() === ch('%') && isHex(this.at(1)) && isHex(this.at(2)))) {
        this.tagError(directive, start, 'did not find URI escaped octet');
      }
      const octet = (hexValue(this.at(1)) << 4) + hexValue(this.at(2));
      if (remaining === -1) {
        remaining =
          (octet & 0x80) === 0 ? 1 : (octet & 0xe0) === 0xc0 ? 2 : (octet & 0xf0) === 0xe0 ? 3 : (octet & 0xf8) === 0xf0 ? 4 : 0;
        if (remaining === 0) this.tagError(directive, start, 'found an incorrect leading UTF-8 octet');
      } else if ((octet & 0xc0) !== 0x80) {
        this.tagError(directive, start, 'found an incorrect trailing UTF-8 octet');
      }
      bytes.push(octet);
      this.skip();
      this.skip();
      this.skip();
      remaining--;
    }
  }

  // --- scalars ----------------------------------------------------------------

  private scanBlockScalar(literal: boolean): Token {
    const start = this.here();
    this.skip();
    this.cache(1);
    let chomping = 0;
    let increment = 0;
    const indentationIndicator = (): void => {
      if (this.at() === ch('0')) this.fail('while scanning a block scalar', start, 'found an indentation indicator equal to 0');
      increment = this.at() - 0x30;
      this.skip();
    };
    if (this.at() === ch('+') || this.at() === ch('-')) {
      chomping = this.at() === ch('+') ? 1 : -1;
      this.skip();
      this.cache(1);
      if (isDigit(this.at())) indentationIndicator();
    } else if (isDigit(this.at())) {
      indentationIndicator();
      this.cache(1);
      if (this.at() === ch('+') || this.at() === ch('-')) {
        chomping = this.at() === ch('+') ? 1 : -1;
        this.skip();
      }
    }
    this.skipBlanks();
    if (this.at() === ch('#')) {
      while (!isBreakOrEnd(this.at())) {
        this.skip();
        this.cache(1);
      }
    }
    if (!isBreakOrEnd(this.at())) this.fail('while scanning a block scalar', start, 'did not find expected comment or line break');
    if (isBreak(this.at())) {
      this.cache(2);
      this.skipLine();
    }

    const state = { indent: 0, end: this.here(), breaks: '' };
    if (increment > 0) state.indent = this.indent >= 0 ? this.indent + increment : increment;
    this.scanBlockScalarBreaks(state, start);

    let value = '';
    let leadingBreak = '';
    let leadingBlank = false;
    this.cache(1);
    while (this.mark.column === state.indent && this.at() !== NUL) {
      // At the start of a non-empty line of the scalar.
      const trailingBlank = isBlank(this.at());
      if (!literal && !leadingBlank && !trailingBlank && leadingBreak.startsWith('\n')) {
        // Folding: a single break between two non-indented lines becomes a space.
        if (state.breaks === '') value += ' ';
      } else {
        value += leadingBreak;
      }
      leadingBreak = '';
      value += state.breaks;
      state.breaks = '';
      leadingBlank = isBlank(this.at());
      while (!isBreakOrEnd(this.at())) {
        value += this.read();
        this.cache(1);
      }
      this.cache(2);
      leadingBreak = this.readLine();
      this.scanBlockScalarBreaks(state, start);
    }
    if (chomping !== -1) value += leadingBreak;
    if (chomping === 1) value += state.breaks;
    return { type: 'SCALAR', start, end: state.end, value, style: literal ? 'literal' : 'folded' };
  }

  /** Indentation and empty lines of a block scalar; settles its indentation when not given. */
  private scanBlockScalarBreaks(state: { indent: number; end: Mark; breaks: string }, start: Mark): void {
    state.end = this.here();
    let maxIndent = 0;
    for (;;) {
      this.cache(1);
      while ((state.indent === 0 || this.mark.column < state.indent) && this.at() === SPACE) {
        this.skip();
        this.cache(1);
      }
      if (this.mark.column > maxIndent) maxIndent = this.mark.column;
      if ((state.indent === 0 || this.mark.column < state.indent) && this.at() === TAB) {
        this.fail('while scanning a block scalar', start, 'found a tab character where an indentation space is expected');
      }
      if (!isBreak(this.at())) break;
      this.cache(2);
      state.breaks += this.readLine();
      state.end = this.here();
    }
    if (state.indent === 0) state.indent = Math.max(maxIndent, this.indent + 1, 1);
  }

  private scanFlowScalar(single: boolean): Token {
    const start = this.here();
    this.skip();
    let value = '';
    let leadingBreak = '';
    let trailingBreaks = '';
    let whitespaces = '';
    for (;;) {
      this.cache(4);
      if (this.mark.column === 0 && (this.documentIndicatorAhead('-') || this.documentIndicatorAhead('.'))) {
        this.fail('while scanning a quoted scalar', start, 'found unexpected document indicator');
      }
      if (this.at() === NUL) this.fail('while scanning a quoted scalar', start, 'found unexpected end of stream');

      let leadingBlanks = false;
      while (!isBlankOrEnd(this.at())) {
        const c = this.at();
        if (single && c === ch("'") && this.at(1) === ch("'")) {
          value += "'";
          this.skip();
          this.skip();
        } else if (c === (single ? ch("'") : ch('"'))) {
          break;
        } else if (!single && c === ch('\\') && isBreak(this.at(1))) {
          // An escaped line break: the lines are joined without a space.
          this.cache(3);
          this.skip();
          this.skipLine();
          leadingBlanks = true;
          break;
        } else if (!single && c === ch('\\')) {
          value += this.scanEscape(start);
        } else {
          value += this.read();
        }
        this.cache(2);
      }
      this.cache(1);
      if (this.at() === (single ? ch("'") : ch('"'))) break;

      while (isBlank(this.at()) || isBreak(this.at())) {
        if (isBlank(this.at())) {
          if (!leadingBlanks) whitespaces += this.read();
          else this.skip();
        } else {
          this.cache(2);
          if (!leadingBlanks) {
            whitespaces = '';
            leadingBreak = this.readLine();
            leadingBlanks = true;
          } else {
            trailingBreaks += this.readLine();
          }
        }
        this.cache(1);
      }
      if (leadingBlanks) {
        if (leadingBreak.startsWith('\n')) value += trailingBreaks === '' ? ' ' : trailingBreaks;
        else value += leadingBreak + trailingBreaks;
        leadingBreak = '';
        trailingBreaks = '';
      } else {
        value += whitespaces;
        whitespaces = '';
      }
    }
    this.skip();
    return { type: 'SCALAR', start, end: this.here(), value, style: single ? 'single-quoted' : 'double-quoted' };
  }

  /** One backslash escape of a double-quoted scalar (the position is on the backslash). */
  private scanEscape(start: Mark): string {
    const e = String.fromCodePoint(this.at(1));
    const digits = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    if (digits === 0 && !SIMPLE_ESCAPES.has(e)) this.fail('while parsing a quoted scalar', start, 'found unknown escape character');
    this.skip();
    this.skip();
    if (digits === 0) return SIMPLE_ESCAPES.get(e)!;
    this.cache(digits);
    let code = 0;
    for (let k = 0; k < digits; k++) {
      if (!isHex(this.at(k))) this.fail('while parsing a quoted scalar', start, 'did not find expected hexdecimal number');
      code = code * 16 + hexValue(this.at(k));
    }
    if ((code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) {
      this.fail('while parsing a quoted scalar', start, 'found invalid Unicode character escape code');
    }
    for (let k = 0; k < digits; k++) this.skip();
    return String.fromCodePoint(code);
  }

  private scanPlainScalar(): Token {
    let value = '';
    let leadingBreak = '';
    let trailingBreaks = '';
    let whitespaces = '';
    let leadingBlanks = false;
    // Continuation lines must be indented deeper than the enclosing block.
    const indent = this.indent + 1;
    const start = this.here();
    let end = this.here();
    for (;;) {
      this.cache(4);
      if (this.mark.column === 0 && (this.documentIndicatorAhead('-') || this.documentIndicatorAhead('.'))) break;
      if (this.at() === ch('#')) break;
      while (!isBlankOrEnd(this.at())) {
        const c = this.at();
        if (
          (c === ch(':') && isBlankOrEnd(this.at(1))) ||
          (this.flowLevel > 0 && (c === ch(',') || c === ch('?') || c === ch('[') || c === ch(']') || c === ch('{') || c === ch('}')))
        ) {
          break;
        }
        if (leadingBlanks || whitespaces !== '') {
          if (leadingBlanks) {
            // Line folding: one break is a space, more keep all but the first.
            if (leadingBreak.startsWith('\n')) value += trailingBreaks === '' ? ' ' : trailingBreaks;
            else value += leadingBreak + trailingBreaks;
            trailingBreaks = '';
            leadingBreak = '';
            leadingBlanks = false;
          } else {
            value += whitespaces;
            whitespaces = '';
          }
        }
        value += this.read();
        end = this.here();
        this.cache(2);
      }
      if (!(isBlank(this.at()) || isBreak(this.at()))) break;
      this.cache(1);
      while (isBlank(this.at()) || isBreak(this.at())) {
        if (isBlank(this.at())) {
          if (leadingBlanks && this.mark.column < indent && this.at() === TAB) {
            this.fail('while scanning a plain scalar', start, 'found a tab character that violates indentation');
          }
          if (!leadingBlanks) whitespaces += this.read();
          else this.skip();
        } else {
          this.cache(2);
          if (!leadingBlanks) {
            whitespaces = '';
            leadingBreak = this.readLine();
            leadingBlanks = true;
          } else {
            trailingBreaks += this.readLine();
          }
        }
        this.cache(1);
      }
      if (this.flowLevel === 0 && this.mark.column < indent) break;
    }
    // After a multi-line plain scalar a key may start on the new line.
    if (leadingBlanks) this.simpleKeyAllowed = true;
    return { type: 'SCALAR', start, end, value, style: 'plain' };
  }
}
