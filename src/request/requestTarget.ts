// The request target (method + URL) as kube-apiserver's Go HTTP server hands it
// to the handler chain: net/http's request-line checks (readRequest), then
// net/url's ParseRequestURI (src/go/url/url.ts) for r.URL.Path / r.URL.RawQuery, and
// url.ParseQuery for r.URL.Query(). Percent-decoded bytes are read back as
// UTF-8 the way Go's encoding/json writes them into the audit log (src/go/utf8/byteString.ts).
import { goQuoteBytes } from '../go/strconv/quote.js';
import { fromByteString, toByteString } from '../go/utf8/byteString.js';
import { parseRequestUri, tryUnescape, UrlParseError, urlString, type GoUrl } from '../go/url/url.js';

export { decodeGoString } from '../go/utf8/byteString.js';

/** Why Go's HTTP server answers 400 before kube-apiserver's handlers ever run. */
export class BadRequestTargetError extends Error {
  override readonly name = 'BadRequestTargetError';
}

export interface RequestTarget {
  /** r.URL.Path: percent-decoded, not cleaned. */
  path: string;
  /** r.URL.RawQuery: everything after the first "?", still escaped. */
  rawQuery: string;
  /** r.URL as Go prints it (URL.String()), as upstream quotes it in error messages. */
  url: string;
}

/** RFC 7230 token characters, as net/http's validMethod accepts them. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function isValidMethod(method: string): boolean {
  return TOKEN.test(method);
}

/**
 * The request line "METHOD SP target SP HTTP/1.1" as net/http reads it: split
 * at the first two spaces, so a space in the method or target leaves a version
 * Go cannot read. CR or LF would end the line early: no client sends them.
 */
function checkRequestLine(method: string, target: string): void {
  if (/[\r\n]/.test(method + target)) throw new BadRequestTargetError('a request line cannot contain CR or LF');
  const line = `${method} ${target} HTTP/1.1`;
  const first = line.indexOf(' ');
  const second = line.indexOf(' ', first + 1);
  const sentMethod = line.slice(0, first);
  const version = line.slice(second + 1);
  if (!isValidMethod(sentMethod)) throw new BadRequestTargetError(`invalid method ${goQuoteBytes(toByteString(sentMethod))}`);
  if (version !== 'HTTP/1.1') throw new BadRequestTargetError(`malformed HTTP version ${goQuoteBytes(toByteString(version))}`);
}

/**
 * Splits and decodes a request target exactly as Go's server does before any
 * handler runs (net/http readRequest, then url.ParseRequestURI). Throws
 * BadRequestTargetError where Go answers 400 (or, for "OPTIONS *", answers by
 * itself), so kube-apiserver never sees the request.
 *
 * Besides origin-form targets ("/path?query") Go takes absolute-form ones
 * ("http://host/path": the path is what counts) and, for CONNECT, a target not
 * starting with "/" is an authority ("host:443", "*", even ""): Go reads it as
 * "http://" + target, so the path is empty unless a "/" follows the host.
 */
export function parseRequestTarget(method: string, target: string): RequestTarget {
  checkRequestLine(method, target);
  const authorityForm = method === 'CONNECT' && !target.startsWith('/');
  const raw = toByteString(target);
  let url: GoUrl;
  try {
    url = parseRequestUri(authorityForm ? `http://${raw}` : raw);
  } catch (err) {
    if (err instanceof UrlParseError) throw new BadRequestTargetError(err.message);
    throw err;
  }
  // net/http answers "OPTIONS *" itself; any other method reaches the handlers with path "*".
  if (method === 'OPTIONS' && target === '*') {
    throw new BadRequestTargetError("OPTIONS * is answered by Go's HTTP server itself");
  }
  // readRequest drops the scheme it added for an authority.
  if (authorityForm) url.scheme = '';
  return {
    path: fromByteString(url.path),
    rawQuery: fromByteString(url.rawQuery),
    url: fromByteString(urlString(url)),
  };
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
    const key = tryUnescape(toByteString(eq < 0 ? pair : pair.slice(0, eq)), 'queryComponent');
    const value = tryUnescape(toByteString(eq < 0 ? '' : pair.slice(eq + 1)), 'queryComponent');
    if (key === undefined || value === undefined) continue;
    const name = fromByteString(key);
    const list = values.get(name);
    if (list) list.push(fromByteString(value));
    else values.set(name, [fromByteString(value)]);
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
