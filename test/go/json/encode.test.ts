// Go's printing of strings, as kube-apiserver's messages embed it. Expected
// values were printed by Go 1.26 (strconv.Quote and encoding/json.Marshal).

import { describe, expect, it } from 'vitest';
import { compareUtf8, goJsonString } from '../../../src/go/json/encode.js';
import { goFoldName } from '../../../src/go/json/fold.js';
import { goQuote } from '../../../src/go/strconv/quote.js';

/** [input, strconv.Quote(input), json.Marshal(input)] */
const GO: [string, string, string][] = [
  ['plain', '"plain"', '"plain"'],
  ['quo"te\\', '"quo\\"te\\\\"', '"quo\\"te\\\\"'],
  ['tab\tnl\nbell\u0007', '"tab\\tnl\\nbell\\a"', '"tab\\tnl\\nbell\\u0007"'],
  ['caf\u00e9', '"caf\u00e9"', '"caf\u00e9"'],
  ['<a&b>', '"<a&b>"', '"\\u003ca\\u0026b\\u003e"'],
  ['\u00a0nbsp', '"\\u00a0nbsp"', '"\u00a0nbsp"'],
  ['\u2028ls', '"\\u2028ls"', '"\\u2028ls"'],
  ['\u007fdel', '"\\x7fdel"', '"\u007fdel"'],
  ['\u200bzw', '"\\u200bzw"', '"\u200bzw"'],
  ['\ud83d\ude00', '"\ud83d\ude00"', '"\ud83d\ude00"'],
  ['\u0085nel', '"\\u0085nel"', '"\u0085nel"'],
  ['\u0001', '"\\x01"', '"\\u0001"'],
];

describe('Go string printing', () => {
  it.each(GO)('%j', (input, quoted, json) => {
    expect(goQuote(input)).toBe(quoted);
    expect(goJsonString(input)).toBe(json);
  });

  it('orders strings by their UTF-8 bytes, as Go sorts map keys', () => {
    const keys = ['\uff01', '\u{1f600}', 'b', 'B', 'é'];
    expect([...keys].sort(compareUtf8)).toEqual(['B', 'b', 'é', '\uff01', '\u{1f600}']);
  });

  it("folds names as encoding/json's case-insensitive field match does", () => {
    expect(goFoldName('apiVersion')).toBe(goFoldName('APIVERSION'));
    expect(goFoldName('\u212aind')).toBe(goFoldName('kind')); // Kelvin sign
    expect(goFoldName('apiVer\u017fion')).toBe(goFoldName('apiVersion')); // long s
    expect(goFoldName('kinds')).not.toBe(goFoldName('kind'));
  });
});
