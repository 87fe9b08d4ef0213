// Go's ways of printing values, as kube-apiserver's error messages embed them:
// strconv.Quote (fmt's %q) and encoding/json's string encoding. Messages must
// match upstream byte for byte, so these follow Go's rules, not JavaScript's.

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
function isGoPrintable(ch: string): boolean {
  return ch === ' ' || PRINTABLE.test(ch);
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** strconv.Quote(s): what `%q` prints for a string. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') {
      out += '\\' + ch;
      continue;
    }
    if (cp >= 0xd800 && cp <= 0xdfff) {
      // A lone surrogate cannot come from UTF-8 text; Go would see U+FFFD.
      out += '\ufffd';
      continue;
    }
    if (isGoPrintable(ch)) {
      out += ch;
      continue;
    }
    switch (ch) {
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\v':
        out += '\\v';
        continue;
    }
    if (cp < 0x20 || cp === 0x7f) out += '\\x' + hex(cp, 2);
    else if (cp < 0x10000) out += '\\u' + hex(cp, 4);
    else out += '\\U' + hex(cp, 8);
  }
  return out + '"';
}

/** encoding/json's encoding of a string (json.Marshal, HTML escaping on). */
export function goJsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) {
      switch (ch) {
        case '\\':
        case '"':
          out += '\\' + ch;
          continue;
        case '\b':
          out += '\\b';
          continue;
        case '\f':
          out += '\\f';
          continue;
        case '\n':
          out += '\\n';
          continue;
        case '\r':
          out += '\\r';
          continue;
        case '\t':
          out += '\\t';
          continue;
        case '<':
        case '>':
        case '&':
          out += '\\u00' + hex(cp, 2);
          continue;
      }
      out += cp < 0x20 ? '\\u00' + hex(cp, 2) : ch;
      continue;
    }
    if (cp === 0x2028 || cp === 0x2029) out += '\\u' + hex(cp, 4);
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd';
    else out += ch;
  }
  return out + '"';
}

/** json.Marshal of a []string. A nil slice marshals as null. */
export function goJsonStringList(list: readonly string[] | null): string {
  if (list === null) return 'null';
  return '[' + list.map(goJsonString).join(',') + ']';
}

/** fmt's %#v of a []string: Go syntax, each element as strconv.Quote prints it. */
export function goSyntaxStringList(list: readonly string[] | null): string {
  if (list === null) return '[]string(nil)';
  return `[]string{${list.map(goQuote).join(', ')}}`;
}

/** Byte order of the UTF-8 encodings, which is how Go sorts map keys. */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * The key encoding/json's case-insensitive field matching compares: ASCII
 * letters upper-cased, other runes mapped to upper(lower(r)) (so the Kelvin
 * sign matches "k" and the long s matches "s", as in Go).
 */
export function goFoldName(name: string): string {
  let out = '';
  for (const ch of name) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) {
      out += ch >= 'a' && ch <= 'z' ? ch.toUpperCase() : ch;
      continue;
    }
    let lower = ch.toLowerCase();
    if ([...lower].length !== 1) lower = ch;
    let upper = lower.toUpperCase();
    if ([...upper].length !== 1) upper = lower;
    out += upper;
  }
  return out;
}
