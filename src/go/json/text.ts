// Upstream: encoding/json scanner.go (syntax and SyntaxError texts).
//
// Parses a policy written as JSON the way Go's encoding/json checks it: same
// accepted syntax and the same SyntaxError texts ("invalid character 'x'
// looking for beginning of value", "unexpected end of JSON input", ...), since
// kube-apiserver surfaces them verbatim. Keys keep their order and duplicates,
// because the decoder that follows sees them that way.

import type { JsonArray, JsonEntry, JsonNode, JsonObject, Loc } from './tree.js';
import { LineIndex } from './tree.js';

/** encoding/json refuses documents nested deeper than this (scanner.go maxNestingDepth). */
const MAX_NESTING_DEPTH = 10000;

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly loc: Loc,
  ) {
    super(message);
  }
}

/**
 * quoteChar from encoding/json: the offending *byte*, so a non-ASCII character
 * shows as the rune of its first UTF-8 byte (e.g. 'é' reports as 'Ã').
 */
function quoteByte(code: number): string {
  let byte = code;
  if (code >= 0x80) {
    if (code < 0x800) byte = 0xc0 | (code >> 6);
    else if (code < 0x10000) byte = 0xe0 | (code >> 12);
    else byte = 0xf0 | (code >> 18);
  }
  if (byte === 0x27) return "'\\''";
  if (byte === 0x22) return `'"'`;
  const ch = String.fromCodePoint(byte);
  let quoted: string;
  switch (ch) {
    case '\x07':
      quoted = '\\a';
      break;
    case '\b':
      quoted = '\\b';
      break;
    case '\f':
      quoted = '\\f';
      break;
    case '\n':
      quoted = '\\n';
      break;
    case '\r':
      quoted = '\\r';
      break;
    case '\t':
      quoted = '\\t';
      break;
    case '\v':
      quoted = '\\v';
      break;
    case '\\':
      quoted = '\\\\';
      break;
    default:
      if (byte < 0x20 || byte === 0x7f) quoted = '\\x' + byte.toString(16).padStart(2, '0');
      else if (byte >= 0x80 && byte < 0xa0) quoted = '\\u' + byte.toString(16).padStart(4, '0');
      else if (byte === 0xa0 || byte === 0xad) quoted = '\\u00' + byte.toString(16);
      else quoted = ch;
  }
  return `'${quoted}'`;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

class Parser {
  private i = 0;
  private depth = 0;
  private readonly lines: LineIndex;

  constructor(private readonly text: string) {
    this.lines = new LineIndex(text);
  }

  parseDocument(): JsonNode {
    const value = this.value();
    this.skipSpace();
    if (this.i < this.text.length) this.fail(this.code(), 'after top-level value');
    return value;
  }

  private code(): number {
    return this.i < this.text.length ? this.text.codePointAt(this.i)! : -1;
  }

  private loc(offset = this.i): Loc {
    return this.lines.loc(offset);
  }

  private fail(c: number, context: string): never {
    throw new JsonSyntaxError(`invalid character ${quoteByte(c)} ${context}`, this.loc());
  }

  private eof(): never {
    throw new JsonSyntaxError('unexpected end of JSON input', this.loc());
  }

  /**
   * Inside a token, Go's scanner meets end of input by feeding itself one more
   * space; a state that cannot take a space reports it as the invalid character.
   */
  private failInToken(context: string): never {
    if (this.i >= this.text.length) this.fail(0x20, context);
    this.fail(this.code(), context);
  }

  private skipSpace(): void {
    while (this.i < this.text.length && isSpace(this.text.charCodeAt(this.i))) this.i++;
  }

  private value(): JsonNode {
    const node = this.node();
    node.end = this.loc();
    return node;
  }

  private node(): JsonNode {
    this.skipSpace();
    const c = this.code();
    if (c < 0) this.eof();
    const loc = this.loc();
    switch (c) {
      case 0x7b: // {
        return this.object(loc);
      case 0x5b: // [
        return this.array(loc);
      case 0x22: // "
        return { kind: 'string', value: this.string(), loc };
      case 0x74: // t
        this.literal('true');
        return { kind: 'bool', value: true, loc };
      case 0x66: // f
        this.literal('false');
        return { kind: 'bool', value: false, loc };
      case 0x6e: // n
        this.literal('null');
        return { kind: 'null', loc };
    }
    if (c === 0x2d || isDigit(c)) return { kind: 'number', text: this.number(), loc };
    this.fail(c, 'looking for beginning of value');
  }

  private enter(c: number): void {
    this.depth++;
    if (this.depth > MAX_NESTING_DEPTH) this.fail(c, 'exceeded max depth');
  }

  private object(loc: Loc): JsonObject {
    this.enter(0x7b);
    this.i++;
    const entries: JsonEntry[] = [];
    this.skipSpace();
    if (this.code() === 0x7d) {
      this.i++;
      this.depth--;
      return { kind: 'object', entries, loc };
    }
    for (;;) {
      this.skipSpace();
      const c = this.code();
      if (c < 0) this.eof();
      if (c !== 0x22) this.fail(c, 'looking for beginning of object key string');
      const keyLoc = this.loc();
      const key = this.string();
      this.skipSpace();
      const colon = this.code();
      if (colon < 0) this.eof();
      if (colon !== 0x3a) this.fail(colon, 'after object key');
      this.i++;
      const value = this.value();
      entries.push({ key, keyLoc, value });
      this.skipSpace();
      const next = this.code();
      if (next < 0) this.eof();
      this.i++;
      if (next === 0x2c) continue;
      if (next === 0x7d) break;
      this.i--;
      this.fail(next, 'after object key:value pair');
    }
    this.depth--;
    return { kind: 'object', entries, loc };
  }

  private array(loc: Loc): JsonArray {
    this.enter(0x5b);
    this.i++;
    const insertAt = this.i;
    const items: JsonNode[] = [];
    const itemLocs: Loc[] = [];
    this.skipSpace();
    if (this.code() === 0x5d) {
      this.i++;
      this.depth--;
      return { kind: 'array', items, itemLocs, loc, insertAt, flow: true };
    }
    for (;;) {
      this.skipSpace();
      itemLocs.push(this.loc());
      items.push(this.value());
      this.skipSpace();
      const next = this.code();
      if (next < 0) this.eof();
      this.i++;
      if (next === 0x2c) continue;
      if (next === 0x5d) break;
      this.i--;
      this.fail(next, 'after array element');
    }
    this.depth--;
    return { kind: 'array', items, itemLocs, loc, insertAt, flow: true };
  }

  private string(): string {
    const start = this.i;
    this.i++; // opening quote
    for (;;) {
      if (this.i >= this.text.length) this.eof();
      const c = this.text.charCodeAt(this.i);
      if (c === 0x22) {
        this.i++;
        break;
      }
      if (c === 0x5c) {
        this.i++;
        if (this.i >= this.text.length) this.failInToken('in string escape code');
        const e = this.text.charCodeAt(this.i);
        if (e === 0x75) {
          this.i++;
          for (let k = 0; k < 4; k++) {
            if (this.i >= this.text.length || !isHex(this.text.charCodeAt(this.i))) {
              this.failInToken('in \\u hexadecimal character escape');
            }
            this.i++;
          }
          continue;
        }
        if ('bfnrt\\/"'.includes(String.fromCharCode(e))) {
          this.i++;
          continue;
        }
        this.failInToken('in string escape code');
      }
      if (c < 0x20) this.fail(c, 'in string literal');
      this.i++;
    }
    return decodeJsonString(this.text.slice(start, this.i));
  }

  private number(): string {
    const start = this.i;
    if (this.code() === 0x2d) {
      this.i++;
      if (!isDigit(this.code())) this.failInToken('in numeric literal');
    }
    if (this.code() === 0x30) this.i++;
    else while (isDigit(this.code())) this.i++;
    if (this.code() === 0x2e) {
      this.i++;
      if (!isDigit(this.code())) this.failInToken('after decimal point in numeric literal');
      while (isDigit(this.code())) this.i++;
    }
    if (this.code() === 0x65 || this.code() === 0x45) {
      this.i++;
      if (this.code() === 0x2b || this.code() === 0x2d) this.i++;
      if (!isDigit(this.code())) this.failInToken('in exponent of numeric literal');
      while (isDigit(this.code())) this.i++;
    }
    return this.text.slice(start, this.i);
  }

  private literal(word: string): void {
    this.i++;
    for (let k = 1; k < word.length; k++) {
      if (this.code() !== word.charCodeAt(k)) {
        this.failInToken(`in literal ${word} (expecting '${word[k]}')`);
      }
      this.i++;
    }
  }
}

/**
 * Go's unquote: like JSON.parse, except that a \u escape naming half of a
 * surrogate pair without its other half decodes to U+FFFD.
 */
function decodeJsonString(literal: string): string {
  const parsed = JSON.parse(literal) as string;
  return parsed.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/** Parses JSON text, throwing JsonSyntaxError with encoding/json's message. */
export function parseJsonText(text: string): JsonNode {
  return new Parser(text).parseDocument();
}

/**
 * util/yaml.IsJSONBuffer: kube-apiserver's decoder treats input as JSON when
 * its first non-space character (unicode.IsSpace) is `{`; anything else goes
 * through the YAML decoder.
 */
export function looksLikeJson(text: string): boolean {
  const trimmed = text.replace(/^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/, '');
  return trimmed.startsWith('{');
}
