// Go's request-target handling where the upstream table (requestInfo.test.ts)
// cannot reach: net/http's own answer to "OPTIONS *", and the escaping helpers
// auditspec uses to write URLs that decode back to what was meant.
import { describe, expect, it } from 'vitest';
import {
  BadRequestTargetError,
  decodeGoString,
  escapePathSegment,
  escapeQueryComponent,
  isValidMethod,
  parseQuery,
  parseRequestTarget,
} from '../../src/request/requestTarget.js';

const samples = [
  'plain',
  'with space',
  'a/b',
  '50%',
  'q?x=1&y=2#frag',
  'svc:https:443',
  "!$&'()*+,;=@",
  'é ü 😀',
  '..',
  '',
  Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join(''),
];

describe('parseRequestTarget', () => {
  // Expected values below were checked against Go 1.26's http.ReadRequest; the
  // upstream tables (requestInfo.test.ts, test/go/url/url.test.ts) hold many more.
  it('leaves "OPTIONS *" to the Go HTTP server, which answers it without kube-apiserver', () => {
    expect(() => parseRequestTarget('OPTIONS', '*')).toThrow(BadRequestTargetError);
    expect(parseRequestTarget('GET', '*')).toEqual({ path: '*', rawQuery: '', url: '*' });
  });

  it('reads a CONNECT target not starting with "/" as an authority: the path is what follows the host', () => {
    // Go parses "http://" + target and drops the scheme again.
    for (const target of ['', '*', 'host:443', 'user@[::1]:6443', '?x']) {
      expect(parseRequestTarget('CONNECT', target).path).toBe('');
    }
    expect(parseRequestTarget('CONNECT', 'api/v1/pods')).toEqual({ path: '/v1/pods', rawQuery: '', url: '//api/v1/pods' });
    expect(parseRequestTarget('CONNECT', '/api/v1/pods').path).toBe('/api/v1/pods');
    // Only CONNECT: any other method needs a path or an absolute URI.
    expect(() => parseRequestTarget('GET', '')).toThrow('parse "": empty url');
    expect(() => parseRequestTarget('GET', 'api/v1/pods')).toThrow('parse "api/v1/pods": invalid URI for request');
    // ("host:443" would be an absolute URI with scheme "host" and no path.)
    expect(parseRequestTarget('GET', 'host:443').path).toBe('');
    // The authority must still be a valid host.
    expect(() => parseRequestTarget('CONNECT', 'host:1:2')).toThrow('parse "http://host:1:2": invalid port ":1:2" after host');
    expect(() => parseRequestTarget('CONNECT', 'h{x}')).toThrow('parse "http://h{x}": invalid character "{" in host name');
  });

  it('reads absolute-form targets as Go does: the path and query count, the authority is only checked', () => {
    expect(parseRequestTarget('GET', 'HTTP://u:p@host:6443/api/v1/pods?watch=1')).toEqual({
      path: '/api/v1/pods',
      rawQuery: 'watch=1',
      url: 'http://u:p@host:6443/api/v1/pods?watch=1',
    });
    expect(parseRequestTarget('GET', 'http://host').path).toBe('');
    expect(parseRequestTarget('GET', 'mailto:x?watch=1')).toEqual({ path: '', rawQuery: 'watch=1', url: 'mailto:x?watch=1' });
    expect(() => parseRequestTarget('GET', 'http://[1.2.3.4]/x')).toThrow('parse "http://[1.2.3.4]/x": invalid IP-literal');
  });

  it('refuses what the request line cannot carry, with net/http\'s reason', () => {
    expect(() => parseRequestTarget('GET', '/a b')).toThrow('malformed HTTP version "b HTTP/1.1"');
    expect(() => parseRequestTarget('G T', '/a')).toThrow('malformed HTTP version "/a HTTP/1.1"');
    expect(() => parseRequestTarget('G\u00e9T', '/a')).toThrow('invalid method "G\u00e9T"');
    expect(() => parseRequestTarget('GET', '/a\x7f')).toThrow('parse "/a\\x7f": net/url: invalid control character in URL');
    expect(() => parseRequestTarget('GET', '/a\r\nX: y')).toThrow(BadRequestTargetError);
  });

  it('keeps everything after the first "?" as the raw query', () => {
    expect(parseRequestTarget('GET', '/a%20b?x=%20&y??')).toEqual({ path: '/a b', rawQuery: 'x=%20&y??', url: '/a%20b?x=%20&y??' });
  });

  it('prints the URL as Go does: a path it cannot give back as sent is escaped afresh', () => {
    expect(parseRequestTarget('GET', '/api/v1\u00e9/watch').url).toBe('/api/v1%C3%A9/watch');
    expect(parseRequestTarget('GET', '/api/v%31/watch').url).toBe('/api/v%31/watch');
    expect(parseRequestTarget('GET', '/a#b').url).toBe('/a%23b');
  });

  it.each(samples)('decodes an escaped segment back: %j', (s) => {
    expect(parseRequestTarget('GET', `/x/${escapePathSegment(s)}`).path).toBe(`/x/${s}`);
  });

  it('escapes only what must be escaped in a segment', () => {
    expect(escapePathSegment('svc:https:443')).toBe('svc:https:443');
    expect(escapePathSegment('a/b?c#d e%')).toBe('a%2Fb%3Fc%23d%20e%25');
  });
});

describe('parseQuery', () => {
  it.each(samples)('reads an escaped value back: %j', (s) => {
    const q = parseQuery(`${escapeQueryComponent(s)}=${escapeQueryComponent(s)}`);
    expect(q.get(s)).toEqual([s]);
  });

  it('skips pairs with ";" or bad escapes, keeps repeats in order, "+" is a space', () => {
    const q = parseQuery('a=1&a=2&b;c=3&d=%zz&e&f=x+y&&g=');
    expect([...q.entries()]).toEqual([
      ['a', ['1', '2']],
      ['e', ['']],
      ['f', ['x y']],
      ['g', ['']],
    ]);
  });

  it('keeps nothing past 10000 parameters, as Go 1.26 does', () => {
    expect(parseQuery(`${'a&'.repeat(9999)}w=1`).get('w')).toEqual(['1']);
    expect(parseQuery(`${'a&'.repeat(10000)}w=1`).size).toBe(0);
  });
});

describe('decodeGoString', () => {
  it.each([
    [[0x61, 0xc3, 0xa9], 'aé'],
    [[0xf0, 0x9f, 0x98, 0x80], '😀'],
    [[0xe2, 0x82], '\uFFFD\uFFFD'],
    [[0xc0, 0xaf], '\uFFFD\uFFFD'],
    [[0xed, 0xa0, 0x80], '\uFFFD\uFFFD\uFFFD'],
    [[0xf4, 0x90, 0x80, 0x80], '\uFFFD\uFFFD\uFFFD\uFFFD'],
    [[0xef, 0xbf, 0xbf], '\uFFFF'],
  ])('%j → %j (one U+FFFD per stray byte, like Go)', (bytes, text) => {
    expect(decodeGoString(new Uint8Array(bytes))).toBe(text);
  });
});

describe('isValidMethod', () => {
  it('accepts RFC 7230 tokens only', () => {
    expect(['GET', 'get', 'M-SEARCH', "A!#$%&'*+-.^_`|~9"].every(isValidMethod)).toBe(true);
    expect(['', 'G ET', 'GET(', 'GéT', 'A\tB'].some(isValidMethod)).toBe(false);
  });
});
