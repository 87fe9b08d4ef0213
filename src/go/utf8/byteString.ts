// Upstream: unicode/utf8/utf8.go (DecodeRune).
//
// Go strings are bytes; ours are UTF-16 (unicode/utf8's DecodeRune, and Go's
// string conversions, decide how bytes read back as text). Code that must index, compare and
// decode exactly as Go does (net/url, the label lexer) works on "byte strings":
// ordinary JS strings holding one char (0..255) per byte of the UTF-8 text.
// Going back, every byte that is not part of a valid sequence becomes one
// U+FFFD, which is how Go's encoding/json writes such a string into the audit
// log or any JSON answer.

/** One char per byte, each 0..255. */
export type ByteString = string;

const encoder = new TextEncoder();
const NON_ASCII = /[^\x00-\x7f]/;
const HIGH_BYTE = /[\x80-\xff]/;

/** The UTF-8 bytes of `text`, as a byte string (ASCII text is its own byte string). */
export function toByteString(text: string): ByteString {
  if (!NON_ASCII.test(text)) return text;
  let out = '';
  for (const b of encoder.encode(text)) out += String.fromCharCode(b);
  return out;
}

/** The text Go's encoding/json would write for these bytes. */
export function fromByteString(bytes: ByteString): string {
  if (!HIGH_BYTE.test(bytes)) return bytes;
  let out = '';
  for (let i = 0; i < bytes.length; ) {
    const { rune, width } = runeAt(bytes, i);
    out += rune < 0 ? '\uFFFD' : String.fromCodePoint(rune);
    i += width;
  }
  return out;
}

/**
 * Bytes to string as Go's utf8.DecodeRune walks them: a byte that does not start
 * a valid, shortest-form, non-surrogate sequence is one U+FFFD. (TextDecoder
 * would fold a truncated sequence into a single U+FFFD instead.)
 */
export function decodeGoString(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return fromByteString(s);
}

/** utf8.DecodeRune at byte i: the code point and its width, or rune -1 (width 1) for an invalid byte. */
export function runeAt(s: ByteString, i: number): { rune: number; width: number } {
  const b0 = s.charCodeAt(i);
  if (b0 < 0x80) return { rune: b0, width: 1 };
  const cont = (k: number, lo = 0x80, hi = 0xbf) => i + k < s.length && s.charCodeAt(i + k) >= lo && s.charCodeAt(i + k) <= hi;
  const tail = (k: number) => s.charCodeAt(i + k) & 0x3f;
  if (b0 >= 0xc2 && b0 <= 0xdf && cont(1)) return { rune: ((b0 & 0x1f) << 6) | tail(1), width: 2 };
  if (b0 >= 0xe0 && b0 <= 0xef) {
    // E0 needs A0..BF (no overlong forms); ED needs 80..9F (no surrogates).
    const [lo, hi] = b0 === 0xe0 ? [0xa0, 0xbf] : b0 === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
    if (cont(1, lo, hi) && cont(2)) return { rune: ((b0 & 0x0f) << 12) | (tail(1) << 6) | tail(2), width: 3 };
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    // F0 needs 90..BF (no overlong forms); F4 needs 80..8F (nothing past U+10FFFF).
    const [lo, hi] = b0 === 0xf0 ? [0x90, 0xbf] : b0 === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    if (cont(1, lo, hi) && cont(2) && cont(3)) {
      return { rune: ((b0 & 0x07) << 18) | (tail(1) << 12) | (tail(2) << 6) | tail(3), width: 4 };
    }
  }
  return { rune: -1, width: 1 };
}
