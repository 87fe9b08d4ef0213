// Upstream: net/url/url.go.
//
// net/url as Go's HTTP server applies it to a request target
// (url.ParseRequestURI), and URL.String(), which is how upstream prints a URL in
// error messages. kube-apiserver 1.36 is built with Go 1.26, whose default
// GODEBUG urlstrictcolons=1 refuses a second colon in an http(s) host.
//
// Everything works on byte strings (../utf8/byteString.ts), so indices, checks and
// escapes are byte-wise as in Go; callers turn results back into text.
import { goQuoteBytes as goQuote } from '../strconv/quote.js';
import type { ByteString } from '../utf8/byteString.js';

/** url.ParseRequestURI refused the target; the message reads like Go's *url.Error. */
export class UrlParseError extends Error {
  override readonly name = 'UrlParseError';
}

/** The fields of Go's url.URL a request target can set (never Fragment: request targets keep "#"). */
export interface GoUrl {
  /** Lower case; "" for origin-form targets. */
  scheme: ByteString;
  /** What follows "scheme:" when it does not start with "/" (e.g. "mailto:x" gives "x"). */
  opaque: ByteString;
  user: { username: ByteString; password: ByteString | undefined } | undefined;
  /** Decoded host[:port]. */
  host: ByteString;
  /** Decoded path: what RequestInfo reads. */
  path: ByteString;
  /** The path as sent, when escaping `path` again would not give it back. */
  rawPath: ByteString;
  /** Everything after the first "?", still escaped. */
  rawQuery: ByteString;
  /** The target ended in its only "?". */
  forceQuery: boolean;
  /** "scheme:/path": no authority at all. */
  omitHost: boolean;
}

/** A parse failure before url.ParseRequestURI wraps it with the URL. */
class Reason extends Error {}

export type EscapeMode = 'path' | 'host' | 'zone' | 'userPassword' | 'queryComponent';

function isAlnum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return -1;
}

/** RFC 3986 as net/url reads it (shouldEscape): may byte `c` stand unescaped in this part of a URL? */
function mustEscape(c: number, mode: EscapeMode): boolean {
  if (isAlnum(c)) return false;
  const ch = String.fromCharCode(c);
  // Hosts also allow the sub-delims, ":" (port), "[" "]" (IPv6) and the few
  // characters Go would otherwise have to escape and then refuse.
  if ((mode === 'host' || mode === 'zone') && `!$&'()*+,;=:[]<>"`.includes(ch)) return false;
  if ('-_.~'.includes(ch)) return false;
  if ('$&+,/:;=?@'.includes(ch)) {
    switch (mode) {
      case 'path':
        return ch === '?';
      case 'userPassword':
        return '@/?:'.includes(ch);
      case 'queryComponent':
        return true;
      default:
        return true;
    }
  }
  return true;
}

const MODES: readonly EscapeMode[] = ['path', 'host', 'zone', 'userPassword', 'queryComponent'];
const ESCAPED = new Map(MODES.map((mode) => [mode, Array.from({ length: 256 }, (_, c) => mustEscape(c, mode))]));

function shouldEscape(c: number, mode: EscapeMode): boolean {
  return ESCAPED.get(mode)![c];
}

/**
 * url.unescape: "%XY" becomes the byte XY, "+" a space in query components. A
 * "%" without two hex digits is an error; hosts may only escape non-ASCII bytes
 * (and "%25", for IPv6 zones) and refuse ASCII characters they do not allow.
 */
export function unescape(s: ByteString, mode: EscapeMode): ByteString {
  let escapes = 0;
  let plus = false;
  for (let i = 0; i < s.length; ) {
    const c = s.charCodeAt(i);
    if (c === 0x25) {
      escapes++;
      if (i + 2 >= s.length || hexValue(s.charCodeAt(i + 1)) < 0 || hexValue(s.charCodeAt(i + 2)) < 0) {
        throw new Reason(`invalid URL escape ${goQuote(s.slice(i, i + 3))}`);
      }
      const triple = s.slice(i, i + 3);
      if (mode === 'host' && hexValue(s.charCodeAt(i + 1)) < 8 && triple !== '%25') {
        throw new Reason(`invalid URL escape ${goQuote(triple)}`);
      }
      if (mode === 'zone') {
        // A zone may escape anything it could also have written plainly (and a space).
        const byte = hexValue(s.charCodeAt(i + 1)) * 16 + hexValue(s.charCodeAt(i + 2));
        if (triple !== '%25' && byte !== 0x20 && shouldEscape(byte, 'host')) {
          throw new Reason(`invalid URL escape ${goQuote(triple)}`);
        }
      }
      i += 3;
    } else {
      if (c === 0x2b) plus = mode === 'queryComponent';
      else if ((mode === 'host' || mode === 'zone') && c < 0x80 && shouldEscape(c, mode)) {
        throw new Reason(`invalid character ${goQuote(s[i])} in host name`);
      }
      i++;
    }
  }
  if (escapes === 0 && !plus) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25) {
      out += String.fromCharCode(hexValue(s.charCodeAt(i + 1)) * 16 + hexValue(s.charCodeAt(i + 2)));
      i += 2;
    } else if (c === 0x2b && mode === 'queryComponent') out += ' ';
    else out += s[i];
  }
  return out;
}

/** unescape, or undefined where Go's unescape returns an error. */
export function tryUnescape(s: ByteString, mode: EscapeMode): ByteString | undefined {
  try {
    return unescape(s, mode);
  } catch (err) {
    if (err instanceof Reason) return undefined;
    throw err;
  }
}

const UPPER_HEX = '0123456789ABCDEF';

/** url.escape: every byte the mode does not allow as "%XY" (a space in a query component as "+"). */
export function escape(s: ByteString, mode: EscapeMode): ByteString {
  let out = '';
  let changed = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x20 && mode === 'queryComponent') {
      out += '+';
      changed = true;
    } else if (shouldEscape(c, mode)) {
      out += `%${UPPER_HEX[c >> 4]}${UPPER_HEX[c & 15]}`;
      changed = true;
    } else out += s[i];
  }
  return changed ? out : s;
}

/** A scheme is a letter, then letters, digits, "+", "-" or "."; it ends at the first ":". */
function splitScheme(raw: ByteString): { scheme: ByteString; rest: ByteString } {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    const letter = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    if (letter) continue;
    if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e) {
      if (i === 0) break;
      continue;
    }
    if (c === 0x3a) {
      if (i === 0) throw new Reason('missing protocol scheme');
      return { scheme: raw.slice(0, i), rest: raw.slice(i + 1) };
    }
    break;
  }
  return { scheme: '', rest: raw };
}

/** "" or ":" followed by digits only. */
function validOptionalPort(port: ByteString): boolean {
  return port === '' || /^:[0-9]*$/.test(port);
}

/** RFC 3986 userinfo characters, plus "@" as Go tolerates it; every byte of non-ASCII text fails. */
const USERINFO = /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/;

/** netip's parseAddrError: the input, what is wrong, and where when that helps. */
function parseAddrError(input: ByteString, msg: string, at: ByteString): Reason {
  return new Reason(`ParseAddr(${goQuote(input)}): ${msg}${at === '' ? '' : ` (at ${goQuote(at)})`}`);
}

/** IPv4 fields "a.b.c.d" of `input` from `start` to `end` (netip.parseIPv4Fields). */
function checkIPv4Fields(input: ByteString, start: number, end: number): void {
  const fail = (msg: string, at = '') => parseAddrError(input, msg, at);
  const s = input.slice(start, end);
  let value = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      if (digits === 1 && value === 0) throw fail('IPv4 field has octet with leading zero');
      value = value * 10 + (c - 0x30);
      digits++;
      if (value > 255) throw fail('IPv4 field has value >255');
    } else if (c === 0x2e) {
      if (i === 0 || i === s.length - 1 || s[i - 1] === '.') throw fail('IPv4 field must have at least one digit', s.slice(i));
      if (dots === 3) throw fail('IPv4 address too long');
      dots++;
      value = 0;
      digits = 0;
    } else {
      throw fail('unexpected character', s.slice(i));
    }
  }
  if (dots < 3) throw fail('IPv4 address too short');
}

/** netip.parseIPv6: eight hex groups, one "::", an optional trailing IPv4 and "%zone". */
function checkIPv6(input: ByteString): void {
  const fail = (msg: string, at = '') => parseAddrError(input, msg, at);
  let s = input;
  let zone = '';
  const percent = s.indexOf('%');
  if (percent >= 0) {
    zone = s.slice(percent + 1);
    s = s.slice(0, percent);
    if (zone === '') throw fail('zone must be a non-empty string');
  }
  let ellipsis = -1;
  if (s.startsWith('::')) {
    ellipsis = 0;
    s = s.slice(2);
    if (s === '') return;
  }
  let filled = 0; // bytes of the 16-byte address
  while (filled < 16) {
    let off = 0;
    for (; off < s.length && hexValue(s.charCodeAt(off)) >= 0; off++) {
      if (off > 3) throw fail('each group must have 4 or less digits', s);
    }
    if (off === 0) throw fail('each colon-separated field must have at least one digit', s);
    if (off < s.length && s[off] === '.') {
      if (ellipsis < 0 && filled !== 12) throw fail('embedded IPv4 address must replace the final 2 fields of the address', s);
      if (filled + 4 > 16) throw fail('too many hex fields to fit an embedded IPv4 at the end of the address', s);
      const end = input.length - (zone === '' ? 0 : zone.length + 1);
      checkIPv4Fields(input, end - s.length, end);
      s = '';
      filled += 4;
      break;
    }
    filled += 2;
    s = s.slice(off);
    if (s === '') break;
    if (s[0] !== ':') throw fail('unexpected character, want colon', s);
    if (s.length === 1) throw fail('colon must be followed by more characters', s);
    s = s.slice(1);
    if (s[0] === ':') {
      if (ellipsis >= 0) throw fail('multiple :: in address', s);
      ellipsis = filled;
      s = s.slice(1);
      if (s === '') break;
    }
  }
  if (s !== '') throw fail('trailing garbage after address', s);
  if (filled < 16 && ellipsis < 0) throw fail('address string too short');
  if (filled === 16 && ellipsis >= 0) throw fail('the :: must expand to at least one field of zeros');
}

/** netip.ParseAddr, reduced to which family parses; the first ".", ":" or "%" decides what is tried. */
function ipFamily(s: ByteString): 4 | 6 {
  for (const ch of s) {
    if (ch === '.') {
      checkIPv4Fields(s, 0, s.length);
      return 4;
    }
    if (ch === ':') {
      checkIPv6(s);
      return 6;
    }
    if (ch === '%') throw parseAddrError(s, 'missing IPv6 address', '');
  }
  throw parseAddrError(s, 'unable to parse IP', '');
}

/** url.parseHost: host[:port], or an IPv6 literal in brackets with an optional %25zone. */
function parseHost(scheme: ByteString, host: ByteString): ByteString {
  const open = host.lastIndexOf('[');
  if (open > 0) throw new Reason('invalid IP-literal');
  if (open === 0) {
    const close = host.lastIndexOf(']');
    if (close < 0) throw new Reason("missing ']' in host");
    const colonPort = host.slice(close + 1);
    if (!validOptionalPort(colonPort)) throw new Reason(`invalid port ${goQuote(colonPort)} after host`);
    const port = unescape(colonPort, 'host');
    const literal = host.slice(1, close);
    const zoneAt = literal.indexOf('%25');
    const address =
      zoneAt >= 0
        ? unescape(literal.slice(0, zoneAt), 'host') + unescape(literal.slice(zoneAt), 'zone')
        : unescape(literal, 'host');
    let family: 4 | 6;
    try {
      family = ipFamily(address);
    } catch (err) {
      if (err instanceof Reason) throw new Reason(`invalid host: ${err.message}`);
      throw err;
    }
    // Brackets are for IPv6 only (IPv4-mapped IPv6 included).
    if (family === 4) throw new Reason('invalid IP-literal');
    return `[${address}]${port}`;
  }
  const firstColon = host.indexOf(':');
  if (firstColon >= 0) {
    // http(s) hosts may have one colon only (urlstrictcolons=1); other schemes
    // keep the historical leniency and take the port after the last colon.
    const lastColon = host.lastIndexOf(':');
    const at = lastColon !== firstColon && scheme !== 'http' && scheme !== 'https' ? lastColon : firstColon;
    const colonPort = host.slice(at);
    if (!validOptionalPort(colonPort)) throw new Reason(`invalid port ${goQuote(colonPort)} after host`);
  }
  return unescape(host, 'host');
}

function parseAuthority(url: GoUrl, authority: ByteString): void {
  const at = authority.lastIndexOf('@');
  url.host = parseHost(url.scheme, at < 0 ? authority : authority.slice(at + 1));
  if (at < 0) return;
  const userinfo = authority.slice(0, at);
  if (!USERINFO.test(userinfo)) throw new Reason('net/url: invalid userinfo');
  const colon = userinfo.indexOf(':');
  url.user =
    colon < 0
      ? { username: unescape(userinfo, 'userPassword'), password: undefined }
      : {
          username: unescape(userinfo.slice(0, colon), 'userPassword'),
          password: unescape(userinfo.slice(colon + 1), 'userPassword'),
        };
}

/** URL.setPath: the decoded path, and the raw one only when re-escaping would not reproduce it. */
function setPath(url: GoUrl, raw: ByteString): void {
  url.path = unescape(raw, 'path');
  url.rawPath = escape(url.path, 'path') === raw ? '' : raw;
}

/**
 * url.ParseRequestURI on a request target (no fragment is cut: "#" stays in
 * the path). Accepts "*", an absolute path, or an absolute URI.
 * @throws UrlParseError with Go's message, e.g. `parse "x": invalid URI for request`.
 */
export function parseRequestUri(raw: ByteString): GoUrl {
  try {
    return parseRequestUriUnwrapped(raw);
  } catch (err) {
    if (err instanceof Reason) throw new UrlParseError(`parse ${goQuote(raw)}: ${err.message}`);
    throw err;
  }
}

function parseRequestUriUnwrapped(raw: ByteString): GoUrl {
  if (/[\x00-\x1f\x7f]/.test(raw)) throw new Reason('net/url: invalid control character in URL');
  if (raw === '') throw new Reason('empty url');
  const url: GoUrl = {
    scheme: '',
    opaque: '',
    user: undefined,
    host: '',
    path: '',
    rawPath: '',
    rawQuery: '',
    forceQuery: false,
    omitHost: false,
  };
  if (raw === '*') {
    url.path = '*';
    return url;
  }
  const split = splitScheme(raw);
  url.scheme = split.scheme.toLowerCase();
  let rest = split.rest;
  const question = rest.indexOf('?');
  if (question >= 0 && question === rest.length - 1) {
    // A lone trailing "?" is remembered, so String() gives it back.
    url.forceQuery = true;
    rest = rest.slice(0, -1);
  } else if (question >= 0) {
    url.rawQuery = rest.slice(question + 1);
    rest = rest.slice(0, question);
  }
  if (!rest.startsWith('/')) {
    if (url.scheme === '') throw new Reason('invalid URI for request');
    url.opaque = rest;
    return url;
  }
  if (url.scheme !== '' && rest.startsWith('//')) {
    // Only an absolute URI has an authority; "//x" alone is a path.
    const slash = rest.indexOf('/', 2);
    parseAuthority(url, slash < 0 ? rest.slice(2) : rest.slice(2, slash));
    rest = slash < 0 ? '' : rest.slice(slash);
  } else if (url.scheme !== '') {
    url.omitHost = true;
  }
  setPath(url, rest);
  return url;
}

/** Characters validEncoded lets stand in a raw path beside what the path mode allows. */
const RAW_PATH_EXTRA = `!$&'()*+,;=:@[]%`;

/** URL.EscapedPath: the raw path when it is a faithful encoding of the path, else a fresh escape. */
function escapedPath(url: GoUrl): ByteString {
  if (url.rawPath !== '') {
    let valid = true;
    for (let i = 0; i < url.rawPath.length && valid; i++) {
      const c = url.rawPath.charCodeAt(i);
      valid = RAW_PATH_EXTRA.includes(url.rawPath[i]) || !shouldEscape(c, 'path');
    }
    if (valid && tryUnescape(url.rawPath, 'path') === url.path) return url.rawPath;
  }
  if (url.path === '*') return '*';
  return escape(url.path, 'path');
}

/** URL.String(): how Go prints a URL, e.g. in "unable to determine kind and namespace from url, %v". */
export function urlString(url: GoUrl): ByteString {
  let out = url.scheme === '' ? '' : `${url.scheme}:`;
  if (url.opaque !== '') {
    out += url.opaque;
  } else {
    if (url.scheme !== '' || url.host !== '' || url.user !== undefined) {
      if (!(url.omitHost && url.host === '' && url.user === undefined)) {
        if (url.host !== '' || url.path !== '' || url.user !== undefined) out += '//';
        if (url.user !== undefined) {
          out += escape(url.user.username, 'userPassword');
          if (url.user.password !== undefined) out += `:${escape(url.user.password, 'userPassword')}`;
          out += '@';
        }
        if (url.host !== '') out += escape(url.host, 'host');
      }
    }
    const path = escapedPath(url);
    if (path !== '' && path[0] !== '/' && url.host !== '') out += '/';
    // A relative path whose first segment has a colon would read as a scheme.
    if (out === '' && path.split('/')[0].includes(':')) out += './';
    out += path;
  }
  if (url.forceQuery || url.rawQuery !== '') out += `?${url.rawQuery}`;
  return out;
}
