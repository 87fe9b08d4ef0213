// net/url's ParseRequestURI and URL.String() against Go's own answers.
// test/go/url/fixtures/url.upstream.jsonl was produced by a throwaway Go
// program (go1.26, kept outside this repo) that called url.ParseRequestURI on
// each target and wrote the URL's fields, u.User.String() and u.String(), or
// err.Error(), JSON-encoded (so invalid UTF-8 reads as U+FFFD, as in the audit
// log). The targets are hand-picked edge cases of every branch (scheme, opaque,
// userinfo, IPv6 literals and zones, strict colons, host and path escapes,
// re-escaped paths) plus 250 seeded random concatenations of URL pieces.
// Regenerate by rerunning such a program; never edit expected values by hand.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { escape, parseRequestUri, UrlParseError, urlString, type GoUrl } from '../../../src/go/url/url.js';
import { fromByteString, toByteString } from '../../../src/go/utf8/byteString.js';

interface UpstreamUrl {
  scheme: string;
  opaque: string;
  user: string;
  hasUser: boolean;
  host: string;
  path: string;
  rawPath: string;
  rawQuery: string;
  forceQuery: boolean;
  omitHost: boolean;
  string: string;
}

const cases: Array<{ target: string; error?: string; url?: UpstreamUrl }> = readFileSync(
  new URL('./fixtures/url.upstream.jsonl', import.meta.url),
  'utf8',
)
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l));

/** Our URL in the fixture's shape, every byte string read back as Go's JSON writes it. */
function described(url: GoUrl): UpstreamUrl {
  const user =
    url.user === undefined
      ? ''
      : escape(url.user.username, 'userPassword') + (url.user.password === undefined ? '' : `:${escape(url.user.password, 'userPassword')}`);
  return {
    scheme: fromByteString(url.scheme),
    opaque: fromByteString(url.opaque),
    user: fromByteString(user),
    hasUser: url.user !== undefined,
    host: fromByteString(url.host),
    path: fromByteString(url.path),
    rawPath: fromByteString(url.rawPath),
    rawQuery: fromByteString(url.rawQuery),
    forceQuery: url.forceQuery,
    omitHost: url.omitHost,
    string: fromByteString(urlString(url)),
  };
}

describe('parseRequestUri matches url.ParseRequestURI', () => {
  it('has a table covering both verdicts', () => {
    expect(cases.filter((c) => c.error).length).toBeGreaterThan(100);
    expect(cases.filter((c) => c.url).length).toBeGreaterThan(100);
  });

  it.each(cases.map((c) => [JSON.stringify(c.target), c] as const))('%s', (_, c) => {
    if (c.error !== undefined) {
      let thrown: unknown;
      try {
        parseRequestUri(toByteString(c.target));
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(UrlParseError);
      expect((thrown as Error).message).toBe(c.error);
      return;
    }
    expect(described(parseRequestUri(toByteString(c.target)))).toEqual(c.url);
  });
});
