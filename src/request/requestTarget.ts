// The request target (method + URL) as kube-apiserver's Go HTTP server hands it
// to the handler chain: net/http's request-line checks, then net/url's
// ParseRequestURI for r.URL.Path / r.URL.RawQuery, and url.ParseQuery for
// r.URL.Query(). Go strings are bytes; ours are UTF-16, so percent-decoded bytes
// are read back as UTF-8 the way Go's encoding/json writes them into the audit
// log: every byte that is not part of a valid sequence becomes one U+FFFD.

/** Why Go's HTTP server answers 400 before kube-apiserver's handlers ever run. */
export class BadRequestTargetError extends Error {
  override readonly name = 'BadRequestTargetError';
}

export interface RequestTarget {
  /** r.URL.Path: percent-decoded, not cleaned. */
  path: string;
  /** r.URL.RawQuery: everything after the first "?", still escaped. */
  rawQuery: string;
}

const HEX = /^[0-9A-Fa-f]{2}$/;
const encoder = new TextEncoder();

/**
 * Bytes to string as Go's utf8.DecodeRune walks them: a byte that does not start
 * a valid, shortest-form, non-surrogate sequence is one U+FFFD. (TextDecoder
 * would fold a truncated sequence into a single U+FFFD instead.)
 */
export function decodeGoString(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; ) {
    const b0 = bytes[i];
    if (b0 < 0x80) {
      out += String.fromCharCode(b0);
      i++;
      continue;
    }
    const cont = (k: number, lo = 0x80, hi = 0xbf) => i + k < bytes.length && bytes[i + k] >= lo && bytes[i + k] <= hi;
    let width = 0;
    if (b0 >= 0xc2 && b0 <= 0xdf) width = cont(1) ? 2 : 0;
    else if (b0 >= 0xe0 && b0 <= 0xef) {
      // E0 needs A0..BF (no overlong forms); ED needs 80..9F (no surrogates).
      const [lo, hi] = b0 === 0xe0 ? [0xa0, 0xbf] : b0 === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
      width = cont(1, lo, hi) && cont(2) ? 3 : 0;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      // F0 needs 90..BF (no overlong forms); F4 needs 80..8F (nothing past U+10FFFF).
      const [lo, hi] = b0 === 0xf0 ? [0x90, 0xbf] : b0 === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
      width = cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
    }
    if (width === 0) {
      out += '\uFFFD';
      i++;
    } else {
      out += utf8.decode(bytes.subarray(i, i + width));
      i += width;
    }
  }
  return out;
}
const utf8 = new TextDecoder('utf-8');

/** RFC 7230 token characters, as net/http's validMethod accepts them. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function isValidMethod(method: string): boolean {
  return TOKEN.test(method);
}

/**
 * net/url.unescape. In path mode "+" stays "+"; in query-component mode it is a
 * space. A "%" not followed by two hex digits is an error.
 */
function unescape(s: string, mode: 'path' | 'query'): string {
  if (!s.includes('%') && !(mode === 'query' && s.includes('+'))) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; ) {
    const c = s[i];
    if (c === '%') {
      const hex = s.slice(i + 1, i + 3);
      if (!HEX.test(hex)) throw new BadRequestTargetError(`invalid URL escape ${JSON.stringify(s.slice(i, i + 3))}`);
      bytes.push(parseInt(hex, 16));
      i += 3;
    } else if (c === '+' && mode === 'query') {
      bytes.push(0x20);
      i++;
    } else {
      const cp = s.codePointAt(i)!;
      const width = cp > 0xffff ? 2 : 1;
      for (const b of encoder.encode(s.slice(i, i + width))) bytes.push(b);
      i += width;
    }
  }
  return decodeGoString(new Uint8Array(bytes));
}

/**
 * Splits and decodes an origin-form request target ("/path?query") exactly as
 * Go's server does. Throws BadRequestTargetError where Go answers 400 (or, for
 * "OPTIONS *", answers by itself), so kube-apiserver never sees the request.
 *
 * Go would also accept absolute-form targets ("http://host/path"); auditspec
 * only sends origin-form ones, and refuses the others rather than guess.
 */
export function parseRequestTarget(method: string, target: string): RequestTarget {
  if (!isValidMethod(method)) throw new BadRequestTargetError(`invalid method ${JSON.stringify(method)}`);
  // The HTTP/1 request line is "METHOD SP target SP version": a space ends the target.
  if (target.includes(' ')) throw new BadRequestTargetError('malformed HTTP request: space in the request target');
  // net/url refuses ASCII control characters anywhere in the URL.
  if (/[\x00-\x1f\x7f]/.test(target)) throw new BadRequestTargetError('net/url: invalid control character in URL');
  if (target === '') throw new BadRequestTargetError('empty url');
  if (target === '*') {
    // net/http answers "OPTIONS *" itself; any other method reaches the handlers with path "*".
    if (method === 'OPTIONS') throw new BadRequestTargetError('OPTIONS * is answered by the Go HTTP server itself');
    return { path: '*', rawQuery: '' };
  }
  if (!target.startsWith('/')) {
    throw new BadRequestTargetError(`request target must be a path starting with "/", got ${JSON.stringify(target)}`);
  }
  const q = target.indexOf('?');
  const rawPath = q < 0 ? target : target.slice(0, q);
  const rawQuery = q < 0 ? '' : target.slice(q + 1);
  return { path: unescape(rawPath, 'path'), rawQuery };
}

/** Go's defaultMaxParams: more parameters than this and ParseQuery keeps none. */
const MAX_QUERY_PARAMS = 10000;

/**
 * url.ParseQuery as r.URL.Query() uses it (errors dropped): "&"-separated
 * pairs; a pair containing ";" or a bad escape is skipped; "a" means a="".
 */
export function parseQuery(rawQuery: string): Map<string, string[]> {
  const values = new Map<string, string[]>();
  if (rawQuery.split('&').length > MAX_QUERY_PARAMS) return values;
  for (const pair of rawQuery.split('&')) {
    if (pair.includes(';') || pair === '') continue;
    const eq = pair.indexOf('=');
    let key: string;
    let value: string;
    try {
      key = unescape(eq < 0 ? pair : pair.slice(0, eq), 'query');
      value = unescape(eq < 0 ? '' : pair.slice(eq + 1), 'query');
    } catch {
      continue;
    }
    const list = values.get(key);
    if (list) list.push(value);
    else values.set(key, [value]);
  }
  return values;
}

/**
 * Escapes one path segment so that Go's decoding gives it back unchanged and no
 * client or proxy mistakes it for a separator, query or fragment.
 */
export function escapePathSegment(segment: string): string {
  // encodeURIComponent, minus the sub-delimiters, ":" and "@" that RFC 3986 allows
  // in a segment and Go's path decoding keeps as they are (e.g. "svc:80").
  return encodeURIComponent(segment).replace(/%(21|24|26|27|28|29|2A|2B|2C|3A|3B|3D|40)/g, (_, hex: string) =>
    String.fromCharCode(parseInt(hex, 16)),
  );
}

/** Escapes a query component (key or value) for url.ParseQuery. */
export function escapeQueryComponent(value: string): string {
  return encodeURIComponent(value);
}
