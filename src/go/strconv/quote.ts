// Upstream: strconv/quote.go.
//
// strconv.Quote and strconv.Unquote (strconv/quote.go): how Go quotes a string
// in an error message (fmt's %q), and reading such a quoted string back, as
// kube-apiserver's logs print its errors. Messages must match upstream byte for
// byte, so this follows Go's rules, not JavaScript's: a Go string is bytes, and
// a byte that is not valid UTF-8 prints as \x.., not as U+FFFD.
import { runeAt, toByteString, type ByteString } from '../utf8/byteString.js';

/** unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const C_ESCAPES: Readonly<Record<number, string>> = { 7: 'a', 8: 'b', 12: 'f', 10: 'n', 13: 'r', 9: 't', 11: 'v' };

const hex = (n: number, digits: number) => n.toString(16).padStart(digits, '0');

/** strconv.Quote of a Go string held as bytes (see byteString.ts). */
export function goQuoteBytes(bytes: ByteString): string {
  let out = '"';
  for (let i = 0; i < bytes.length; ) {
    const { rune, width } = runeAt(bytes, i);
    i += width;
    if (rune < 0) out += `\\x${hex(bytes.charCodeAt(i - 1), 2)}`;
    else if (rune === 0x22 || rune === 0x5c) out += `\\${String.fromCharCode(rune)}`;
    else if (PRINTABLE.test(String.fromCodePoint(rune))) out += String.fromCodePoint(rune);
    else if (C_ESCAPES[rune] !== undefined) out += `\\${C_ESCAPES[rune]}`;
    else if (rune < 0x20 || rune === 0x7f) out += `\\x${hex(rune, 2)}`;
    else if (rune < 0x10000) out += `\\u${hex(rune, 4)}`;
    else out += `\\U${hex(rune, 8)}`;
  }
  return `${out}"`;
}

/**
 * strconv.Quote of text: what `%q` prints for the string Go would hold (its
 * UTF-8; a lone surrogate, which UTF-8 text cannot hold, is U+FFFD there).
 */
export function goQuote(text: string): string {
  return goQuoteBytes(toByteString(text));
}

/** strconv.Unquote of a double-quoted string Go printed; the text itself (quotes dropped) if it does not parse. */
export function goUnquote(quoted: string): string {
  // JSON's escapes cover Go's but for \x, \a, \v and \U.
  const jsonish = quoted
    .replace(/\\x([0-9a-fA-F]{2})/g, '\\u00$1')
    .replace(/\\a/g, '\\u0007')
    .replace(/\\v/g, '\\u000b')
    .replace(/\\U([0-9a-fA-F]{8})/g, (_, digits: string) => JSON.stringify(String.fromCodePoint(Number.parseInt(digits, 16))).slice(1, -1));
  try {
    return JSON.parse(jsonish) as string;
  } catch {
    return quoted.slice(1, -1);
  }
}
