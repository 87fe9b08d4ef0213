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
  it('leaves "OPTIONS *" to the Go HTTP server, which answers it without kube-apiserver', () => {
    expect(() => parseRequestTarget('OPTIONS', '*')).toThrow(BadRequestTargetError);
    expect(parseRequestTarget('GET', '*')).toEqual({ path: '*', rawQuery: '' });
  });

  it('refuses absolute-form targets rather than guess', () => {
    expect(() => parseRequestTarget('GET', 'http://host/api/v1/pods')).toThrow(/must be a path starting with "\/"/);
  });

  it('keeps everything after the first "?" as the raw query', () => {
    expect(parseRequestTarget('GET', '/a%20b?x=%20&y??')).toEqual({ path: '/a b', rawQuery: 'x=%20&y??' });
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
