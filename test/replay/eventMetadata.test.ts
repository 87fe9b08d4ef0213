import { describe, expect, test } from 'vitest';
import { seededFloats } from '../../conformance/generate/random.js';
import { detached, readEventMetadata } from '../../src/replay/eventMetadata.js';
import { readEventMembers as readMembers } from '../support/eventMembers.js';

/** The reader read `text` as JSON.parse reads its metadata (and its whole line: nothing after repeats a member). */
function expectAsJsonParse(text: string): void {
  const read = readEventMetadata(text);
  expect(read, text).toBeDefined();
  if (read === undefined) return;
  expect(readMembers(read.record as Record<string, unknown>), text).toStrictEqual(readMembers(JSON.parse(`${text.slice(0, read.end)}}`)));
  expect(readMembers(read.record as Record<string, unknown>), text).toStrictEqual(readMembers(JSON.parse(text)));
}

const head = '{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a","stage":"ResponseComplete",';
const user = '"user":{"username":"alice","groups":["g","system:authenticated"]}';
const ref = '"objectRef":{"resource":"pods","namespace":"x","name":"p","apiVersion":"v1"}';
const meta = `"requestURI":"/api/v1/namespaces/x/pods/p","verb":"get",${user},"sourceIPs":["10.0.0.1"],"userAgent":"kubectl/v1.36",${ref}`;
const tail = ',"responseStatus":{"metadata":{},"code":200},"requestReceivedTimestamp":"t","stageTimestamp":"t"}';

describe('readEventMetadata reads what JSON.parse reads', () => {
  test.each([
    ['kube-apiserver layout', head + meta + tail],
    ['escapes decoded (Go writes & as \\u0026)', head + '"requestURI":"/api/v1/pods?limit=1\\u0026watch=1","verb":"g\\u0065t","user":{"username":"\\"q\\"\\\\"}' + tail],
    ['unicode, as it stands and escaped', head + '"requestURI":"/api/v1/namespaces/ü/pods/😀","verb":"get","user":{"username":"\\ud83d\\ude00","groups":["é"]}' + tail],
    ['a lone surrogate', head + '"requestURI":"/\\ud800","verb":"get","user":{"username":"\ud800"}' + tail],
    ['a group holding a quote and a comma', head + '"requestURI":"/","verb":"get","user":{"username":"u","groups":["a\\",\\"b","c"]}' + tail],
    ['empty groups, empty user (failed authentication)', head + '"requestURI":"/","verb":"list","user":{}' + tail],
    ['every UserInfo member, extra included', head + '"requestURI":"/","verb":"get","user":{"username":"u","uid":"1","groups":[],"extra":{"a/b":["x"],"c":[]}}' + tail],
    ['impersonation', head + `"requestURI":"/","verb":"get",${user},"impersonatedUser":{"username":"bob","groups":["h"],"extra":{"k":["v"]}}` + tail],
    ['every objectRef member', head + '"requestURI":"/","verb":"get","user":{},"objectRef":{"resource":"r","namespace":"n","name":"m","uid":"u","apiGroup":"g","apiVersion":"v","resourceVersion":"1","subresource":"s"}' + tail],
    ['an empty objectRef', head + '"requestURI":"/","verb":"get","user":{},"objectRef":{}' + tail],
    ['members left out (no level, no auditID)', '{"kind":"Event","apiVersion":"audit.k8s.io/v1","stage":"ResponseComplete","verb":"get"' + tail],
    ['RequestReceived: the metadata ends at requestReceivedTimestamp', head + meta + ',"requestReceivedTimestamp":"t","stageTimestamp":"t"}'],
    ['bodies, with metadata-like keys inside them', head + meta + ',"responseStatus":{"code":200},"requestObject":{"kind":"Pod","verb":"x","user":{}},"responseObject":{"kind":"Pod"},"requestReceivedTimestamp":"t"}'],
  ])('%s', (_name, text) => expectAsJsonParse(text));

  test.each([
    ['whitespace between members', head + meta.replace(',"verb"', ', "verb"') + tail],
    ['whitespace before a colon', head + meta.replace('"verb":', '"verb" :') + tail],
    ['members out of order', head + `"verb":"get","requestURI":"/",${user}` + tail],
    ['a member twice', head + `"requestURI":"/","verb":"get","verb":"list",${user}` + tail],
    ['a member Event does not have', head + `"requestURI":"/","verb":"get","other":"x",${user}` + tail],
    ['a key spelled with an escape', head + `"requestURI":"/","\\u0076erb":"get",${user}` + tail],
    ['a null user', head + '"requestURI":"/","verb":"get","user":null' + tail],
    ['a number for a string', head + '"requestURI":"/","verb":1,"user":{}' + tail],
    ['a UserInfo member it does not have', head + '"requestURI":"/","verb":"get","user":{"name":"u"}' + tail],
    ['UserInfo members out of order', head + '"requestURI":"/","verb":"get","user":{"groups":[],"username":"u"}' + tail],
    ['an objectRef member out of order', head + '"requestURI":"/","verb":"get","user":{},"objectRef":{"name":"n","resource":"r"}' + tail],
    ['a raw control character in a string (JSON.parse rejects it)', head + '"requestURI":"/a\tb","verb":"get","user":{}' + tail],
    ['an escape JSON does not have', head + '"requestURI":"/a\\xb","verb":"get","user":{}' + tail],
    ['an extra named like a member that ends the metadata', head + '"requestURI":"/","verb":"get","user":{"username":"u","extra":{"a":[],"responseStatus":["x"]}}' + tail],
    ['annotations before the cut', head + `"requestURI":"/","verb":"get",${user},"annotations":{}` + tail],
    ['responseStatus after another member that ends the metadata', head + meta + ',"requestReceivedTimestamp":"t","responseStatus":{"code":200}}'],
    ['no member that ends the metadata', head + meta + '}'],
    ['not closed by a brace (a truncated line)', (head + meta + tail).slice(0, -1)],
    ['another apiVersion', (head + meta + tail).replace('audit.k8s.io/v1', 'audit.k8s.io/v1beta1')],
  ])('not the layout: %s', (_name, text) => {
    expect(readEventMetadata(text)).toBeUndefined();
  });

  test('fuzz: 3 000 metadata layouts with members left out, escaped and odd strings (seed 5) read as JSON.parse reads them', () => {
    const rand = seededFloats(5);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
    const maybe = (p: number) => rand() < p;
    const strings = ['', 'get', 'a"b', 'a\\b', 'ü', '😀', '\ud800', '/api/v1/pods?watch=1&limit=5', 'x<y>&z', '\u2028', '","', '}]{[', 'responseStatus'];
    const str = (): string => {
      const s = pick(strings);
      // JSON.stringify leaves &, <, > and U+2028 as they are; Go escapes them: spell some the Go way.
      const json = JSON.stringify(s);
      return maybe(0.3) ? json.replace(/[&<>\u2028]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : json;
    };
    const strs = () => `[${Array.from({ length: Math.floor(rand() * 3) }, str).join(',')}]`;
    const object = (members: [string, () => string][]) =>
      `{${members
        .filter(() => maybe(0.6))
        .map(([k, v]) => `"${k}":${v()}`)
        .join(',')}}`;
    const userInfo = () => object([['username', str], ['uid', str], ['groups', strs], ['extra', () => `{${maybe(0.5) ? `${str()}:${strs()}` : ''}}`]]);
    const objectRef = () => object(['resource', 'namespace', 'name', 'uid', 'apiGroup', 'apiVersion', 'resourceVersion', 'subresource'].map((k) => [k, str] as [string, () => string]));
    const event: [string, () => string][] = [
      ['level', str], ['auditID', str], ['stage', str], ['requestURI', str], ['verb', str], ['user', userInfo],
      ['impersonatedUser', userInfo], ['sourceIPs', strs], ['userAgent', str], ['objectRef', objectRef],
    ];
    const ends = ['"responseStatus":{"code":200}', '"requestObject":{"kind":"Pod"}', '"responseObject":{"verb":"x"}', '"requestReceivedTimestamp":"t"'];
    let read = 0;
    for (let n = 0; n < 3_000; n++) {
      const members = event.filter(() => maybe(0.8)).map(([k, v]) => `,"${k}":${v()}`);
      const text = `{"kind":"Event","apiVersion":"audit.k8s.io/v1"${members.join('')},${pick(ends)}}`;
      const whole = JSON.parse(text) as Record<string, unknown>;
      const metadata = readEventMetadata(text);
      // Refused only for a duplicate extra name or one named like a member that ends the metadata.
      if (metadata === undefined) continue;
      read++;
      expect(readMembers(metadata.record as Record<string, unknown>), text).toStrictEqual(readMembers(whole));
      expect(text.slice(metadata.end, metadata.end + 2), text).toBe(',"');
    }
    expect(read).toBeGreaterThan(2_700);
  }, 60_000);
});

test('detached gives the same string (a copy that does not keep its line in memory)', () => {
  const line = head + meta + tail;
  for (const [from, to] of [[0, 0], [3, 10], [3, 16], [0, line.length]]) expect(detached(line.slice(from, to))).toBe(line.slice(from, to));
  expect(detached('😀é\ud800'.repeat(5))).toBe('😀é\ud800'.repeat(5));
});
