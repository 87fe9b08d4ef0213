// JSON policy files are checked with Go's encoding/json scanner first (in
// SimpleMetaFactory.Interpret), and its SyntaxError text is what kube-apiserver
// prints. Each message below is LoadPolicyFromBytes' (k8s.io/apiserver v0.36.4),
// without its "failed decoding: couldn't get version/kind; json parse error: " prefix.

import { describe, expect, it } from 'vitest';
import { JsonSyntaxError, looksLikeJson, parseJsonText } from '../../../src/go/json/text.js';

const SYNTAX_ERRORS: [string, string][] = [
  ["{", "unexpected end of JSON input"],
  ["{\"a\"", "unexpected end of JSON input"],
  ["{\"a\":", "unexpected end of JSON input"],
  ["{\"a\" 1}", "invalid character '1' after object key"],
  ["{\"a\":1 \"b\":2}", "invalid character '\"' after object key:value pair"],
  ["{\"a\":1,}", "invalid character '}' looking for beginning of object key string"],
  ["{,}", "invalid character ',' looking for beginning of object key string"],
  ["{\"a\":[1 2]}", "invalid character '2' after array element"],
  ["{\"a\":[1,]}", "invalid character ']' looking for beginning of value"],
  ["{\"a\":tru}", "invalid character '}' in literal true (expecting 'e')"],
  ["{\"a\":fals}", "invalid character '}' in literal false (expecting 'e')"],
  ["{\"a\":nul}", "invalid character '}' in literal null (expecting 'l')"],
  ["{\"a\":-}", "invalid character '}' in numeric literal"],
  ["{\"a\":1.}", "invalid character '}' after decimal point in numeric literal"],
  ["{\"a\":1e}", "invalid character '}' in exponent of numeric literal"],
  ["{\"a\":1e+}", "invalid character '}' in exponent of numeric literal"],
  ["{\"a\":01}", "invalid character '1' after object key:value pair"],
  ["{\"a\":\"\\x\"}", "invalid character 'x' in string escape code"],
  ["{\"a\":\"\\u12g4\"}", "invalid character 'g' in \\u hexadecimal character escape"],
  ["{\"a\":\"x\ty\"}", "invalid character '\\t' in string literal"],
  ["{\"a\":\"x\"} x", "invalid character 'x' after top-level value"],
  ["{\"a\":\"x\"}}", "invalid character '}' after top-level value"],
  ["{'a':1}", "invalid character '\\'' looking for beginning of object key string"],
  ["{\"a\":\u00e9}", "invalid character '\u00c3' looking for beginning of value"],
  ["{\"a\":\u20ac}", "invalid character '\u00e2' looking for beginning of value"],
  ["{\"a\":@}", "invalid character '@' looking for beginning of value"],
  ["{\"a\":\"\\u00\"", "invalid character '\"' in \\u hexadecimal character escape"],
  ["{\"a\":tr", "invalid character ' ' in literal true (expecting 'u')"],
  ["{\"a\":\"\u0001\"}", "invalid character '\\x01' in string literal"],
];

describe('parseJsonText', () => {
  it.each(SYNTAX_ERRORS)('%j: %s', (text, message) => {
    let thrown: unknown;
    try {
      parseJsonText(text);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(JsonSyntaxError);
    expect((thrown as JsonSyntaxError).message).toBe(message);
  });

  it('keeps key order, duplicates and locations', () => {
    const root = parseJsonText('{\n  "b": 1,\n  "a": [true, null, "x\\u00e9"],\n  "b": -2.5e3\n}');
    expect(root.kind).toBe('object');
    if (root.kind !== 'object') return;
    expect(root.entries.map((e) => [e.key, e.keyLoc.line, e.keyLoc.col])).toEqual([
      ['b', 2, 3],
      ['a', 3, 3],
      ['b', 4, 3],
    ]);
    expect(root.entries[1].value).toMatchObject({
      kind: 'array',
      items: [{ kind: 'bool', value: true }, { kind: 'null' }, { kind: 'string', value: 'xé' }],
      itemLocs: [
        { line: 3, col: 9 },
        { line: 3, col: 15 },
        { line: 3, col: 21 },
      ],
    });
    expect(root.entries[2].value).toMatchObject({ kind: 'number', text: '-2.5e3', loc: { line: 4, col: 8 } });
  });

  it('reports the error location', () => {
    expect(() => parseJsonText('{\n  "a": tru\n}')).toThrow(expect.objectContaining({ loc: { line: 2, col: 11 } }));
  });
});

describe('positions', () => {
  it('counts lines as editors do (CRLF, LF, a lone CR) and knows where each value ends and where a first item goes', () => {
    const text = '{\r"a": [1,\r\n  2],\n"b": []}';
    const root = parseJsonText(text);
    if (root.kind !== 'object') throw new Error('not an object');
    const [a, b] = root.entries;
    expect(a.keyLoc).toEqual({ line: 2, col: 1 });
    expect(a.value).toMatchObject({ loc: { line: 2, col: 6 }, end: { line: 3, col: 5 }, flow: true });
    expect(a.value.kind === 'array' && text.slice(a.value.insertAt! - 1, a.value.insertAt)).toBe('[');
    expect(b.value).toMatchObject({ loc: { line: 4, col: 6 }, end: { line: 4, col: 8 }, items: [] });
  });
});

describe('looksLikeJson', () => {
  it('is JSON when the first non-space character is {, as util/yaml.IsJSONBuffer decides', () => {
    expect(looksLikeJson('  \n{"a": 1}')).toBe(true);
    expect(looksLikeJson('\u00a0{"a": 1}')).toBe(true);
    expect(looksLikeJson('\ufeff{"a": 1}')).toBe(false);
    expect(looksLikeJson('[{"a": 1}]')).toBe(false);
    expect(looksLikeJson('a: {}')).toBe(false);
  });
});
