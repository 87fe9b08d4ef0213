// strconv.Quote on text and on bytes, and strconv.Unquote of what Go printed.
// (Quote on text is also checked against Go's output in ../json/encode.test.ts.)
import { describe, expect, it } from 'vitest';
import { goQuote, goQuoteBytes, goUnquote } from '../../../src/go/strconv/quote.js';
import { toByteString } from '../../../src/go/utf8/byteString.js';

describe('strconv', () => {
  it('quotes bytes that are not UTF-8 as \\x, as Go does for a string it holds as bytes', () => {
    expect(goQuoteBytes('a\xffb')).toBe('"a\\xffb"');
    expect(goQuoteBytes(toByteString('caf\u00e9'))).toBe('"caf\u00e9"');
  });

  it('quotes text as Go quotes its UTF-8: a lone surrogate is U+FFFD there', () => {
    expect(goQuote('x\ud800y')).toBe('"x\ufffdy"');
    expect(goQuote('tab\t')).toBe(goQuoteBytes('tab\t'));
  });

  it('unquotes Go escapes JSON lacks', () => {
    expect(goUnquote('"a\\x41\\tb\\u00e9\\U0001F600"')).toBe('aA\tbé😀');
    expect(goUnquote('"\\a\\v"')).toBe('\u0007\u000b');
  });

  it('reads back what it quoted', () => {
    for (const s of ['plain', 'quo"te\\', 'bell\u0007', '\u00a0', '\u{1f600}', '\u0001']) expect(goUnquote(goQuote(s))).toBe(s);
  });
});
