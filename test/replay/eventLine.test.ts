import { describe, expect, test } from 'vitest';
import { continuationHead, parseLine } from '../../src/replay/eventLine.js';
import { seededFloats } from '../../conformance/generate/random.js';
import { readEventMembers } from '../support/eventMembers.js';

// What the decision and the report read of an event (see READ_MEMBERS in eventLine.ts).
const READ = ['kind', 'apiVersion', 'level', 'auditID', 'stage', 'requestURI', 'verb', 'user', 'impersonatedUser', 'objectRef'];

/** parseLine gives every member the replay reads exactly as JSON.parse of the whole line does. */
function expectAsJsonParse(text: string): { prefix: boolean } {
  const whole = JSON.parse(text) as Record<string, unknown>;
  const parsed = parseLine(text);
  expect(parsed.ok).toBe(true);
  if (!parsed.ok) throw new Error('unreachable');
  expect(readEventMembers(parsed.record as Record<string, unknown>), text).toStrictEqual(readEventMembers(whole));
  return { prefix: parsed.prefixEnd !== -1 };
}

const head = '{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a","stage":"ResponseComplete",';
const meta = '"requestURI":"/api/v1/namespaces/x/pods","verb":"get","user":{"username":"alice","groups":["g"]},"objectRef":{"resource":"pods","namespace":"x","apiVersion":"v1"}';
const tail = ',"responseStatus":{"metadata":{},"code":200},"requestReceivedTimestamp":"t","stageTimestamp":"t"}';

describe('parseLine reads the members the replay uses as JSON.parse does', () => {
  test.each([
    ['kube-apiserver layout: only the metadata is parsed', head + meta + tail, true],
    ['escapes and unicode in the metadata', head + '"requestURI":"/api/v1/namespaces/\\u00fc/pods/\\ud83d\\ude00","verb":"g\\u0065t","user":{"username":"\\"q\\""}' + tail, true],
    ['a key spelled with escapes in the metadata', head + '"\\u0076erb":"get","verb":"list"' + tail, true],
    ['kind and apiVersion inside bodies do not count', head + meta + ',"responseStatus":{"code":200},"responseObject":{"kind":"Pod","apiVersion":"v1","metadata":{"ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet"}]},"verb":"x","user":1}}', true],
    ['a read member repeated after the bodies: the last wins', head + meta + ',"responseStatus":{"code":200},"responseObject":{"a":1},"verb":"delete"}', false],
    ['a repeated user after the status', head + meta + ',"responseStatus":{"code":200},"user":{"username":"mallory"}}', false],
    ['a repeated kind after the bodies', head + meta + ',"requestObject":{"kind":"Pod"},"kind":"NotAnEvent"}', false],
    ['a repeat spelled with escapes after the bodies', head + meta + ',"responseStatus":{"code":200},"\\u0076erb":"delete"}', false],
    ['a repeat with whitespace before its colon', head + meta + ',"responseStatus":{"code":200},"verb" :"delete"}', false],
    ['an escape in a body string is not a key', head + meta + ',"responseStatus":{"code":200},"responseObject":{"kind":"Pod","a":"x\\u0026y","b":["\\u0076erb"]}}', true],
    ['a key with an escape inside a body', head + meta + ',"responseStatus":{"code":200},"responseObject":{"a":1,"\\u0076erb":"x"}}', true],
    ['a read member deep in a body, after a long sibling', head + meta + `,"responseStatus":{"code":200},"responseObject":{"data":{"a":"${'x'.repeat(600)}","verb":"x"}}}`, true],
    ['a repeat after a long body', head + meta + `,"responseStatus":{"code":200},"responseObject":{"data":"${'x'.repeat(600)}"},"verb":"delete"}`, false],
    ['a repeat after nothing but plain members of the line itself', '{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","requestReceivedTimestamp":"t","verb":"delete"}', false],
    ['an escaped quote and brackets in a body string', head + meta + ',"responseStatus":{"message":"a\\"}]{[,\\"verb\\":"},"responseObject":{"s":"\\\\"},"stageTimestamp":"t"}', true],
  ])('%s', (_name, text, prefix) => {
    expect(expectAsJsonParse(text).prefix).toBe(prefix);
  });

  test('a line whose metadata is broken is not JSON; one broken only in its bodies is read by its metadata', () => {
    expect(parseLine(head + '"verb":get' + tail).ok).toBe(false);
    const bodyBroken = parseLine(head + meta + ',"responseStatus":{"code":200},"responseObject":{"a":[1,}}');
    expect(bodyBroken.ok && (bodyBroken.record as { verb: string }).verb).toBe('get');
  });

  test('fuzz: 4 000 events with members moved, repeated, nested and escaped (seed 15) agree with JSON.parse', () => {
    const rand = seededFloats(15);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
    const strings = ['get', 'list', '', 'a"b', 'a\\b', 'ü', '😀', '\ud800', '/api/v1/pods?watch=1', 'system:nodes', '}]', '{"verb":"x"}', '{', 'a{', ':', ','];
    // Keys ending in a brace: a brace inside a string must not pass for an object's.
    const members = [...READ, 'responseStatus', 'requestObject', 'responseObject', 'stageTimestamp', 'annotations', 'username', 'groups', '{', 'a{'];
    const value = (depth: number): unknown => {
      const r = rand();
      if (depth > 3 || r < 0.35) return pick(strings);
      if (r < 0.45) return pick([0, -1, 1.5, true, false, null]);
      if (r < 0.65) return Array.from({ length: Math.floor(rand() * 3) }, () => value(depth + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(rand() * 4) }, () => [pick(members), value(depth + 1)]));
    };
    const member = (key: string, v: unknown): string => {
      // Sometimes spell the key with an escape, which JSON.stringify never does.
      const spelled = rand() < 0.15 ? `"\\u${key.charCodeAt(0).toString(16).padStart(4, '0')}${key.slice(1)}"` : JSON.stringify(key);
      return `${spelled}:${JSON.stringify(v)}`;
    };
    let prefixOnly = 0;
    for (let n = 0; n < 4_000; n++) {
      const after = Array.from({ length: Math.floor(rand() * 4) }, () => member(pick(members), value(0)));
      const text = `${head}${meta},"responseStatus":${JSON.stringify(value(1))}${after.map((m) => `,${m}`).join('')}}`;
      if (expectAsJsonParse(text).prefix) prefixOnly++;
    }
    // Both ways are exercised: the metadata alone, and the whole line when a read member comes again.
    expect(prefixOnly).toBeGreaterThan(400);
    expect(prefixOnly).toBeLessThan(3_600);
  }, 60_000);
});

describe('continuationHead reads level, auditID and stage of kube-apiserver\'s layout only', () => {
  const line = (stage: string, auditID = 'id-1', end = '"verb":"get"}') =>
    `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Request","auditID":"${auditID}","stage":"${stage}",${end}`;

  test.each(['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'])('%s', (stage) => {
    expect(continuationHead(line(stage))).toStrictEqual({ level: 'Request', auditID: 'id-1', stage });
  });

  test.each([
    ['an unknown stage', line('Started')],
    ['a stage name followed by more letters', line('ResponseCompleteX')],
    ['a stage name cut short', line('Response')],
    ['an auditID with an escape', line('Panic', 'a\\u0062')],
    ['no closing brace', line('Panic', 'id-1', '"verb":"get"')],
  ])('not a head: %s', (_name, text) => {
    expect(continuationHead(text)).toBeUndefined();
  });
});
