import { describe, expect, test } from 'vitest';
import { seededFloats } from '../../conformance/generate/random.js';
import { measureEvent, measureEventLine } from '../../src/replay/eventSizes.js';
import { parseLine } from '../../src/replay/eventLine.js';
import { closingQuote } from '../../src/replay/jsonScan.js';

/** The plain walk closingQuote replaces: a backslash takes the next character with it, a bare quote closes. */
function closingQuoteByWalking(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '"') return i;
  }
  return text.length;
}

describe('closingQuote', () => {
  test.each([
    ['a plain string', '"abc",1', 4],
    ['an escaped quote', String.raw`"a\"b"`, 5],
    ['an escaped backslash before the closing quote', String.raw`"a\\"x"`, 4],
    ['three backslashes: an escaped backslash, then an escaped quote', String.raw`"\\\"",`, 5],
    ['brackets and commas inside', '"}],{["', 6],
    ['multi-byte characters', '"é😀\\"ü"', 7],
    ['left open', '"abc', 4],
    ['left open after a backslash', '"abc\\', 5],
  ])('%s', (_name, text, expected) => {
    expect(closingQuote(text, 0)).toBe(expected);
    expect(closingQuoteByWalking(text, 0)).toBe(expected);
  });

  test('fuzz: 20 000 strings of quotes, backslashes, brackets and multi-byte characters (seed 15) close where a walk closes them', () => {
    const rand = seededFloats(15);
    const alphabet = ['"', '\\', '\\', 'a', '{', '}', '[', ']', ',', ':', 'é', '😀', 'u'];
    for (let n = 0; n < 20_000; n++) {
      const text = `"${Array.from({ length: Math.floor(rand() * 12) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('')}`;
      expect(closingQuote(text, 0), text).toBe(closingQuoteByWalking(text, 0));
    }
  });
});

describe('scanning bodies by their quotes', () => {
  const head = '{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"a","stage":"ResponseComplete",';
  const meta = '"requestURI":"/api/v1/namespaces/x/configmaps","verb":"create","user":{"username":"ü"},"objectRef":{"resource":"configmaps","namespace":"x","apiVersion":"v1"}';
  const tail = ',"requestReceivedTimestamp":"t","stageTimestamp":"t","annotations":{"k":"v"}}';

  test('a body string holding escaped quotes, brackets and backslashes hides a member from the metadata check', () => {
    // Inside the string: \" and \\ and brackets; a walk that lost track of the string would see `"verb":` at the top level.
    const line = `${head}${meta},"responseStatus":{"code":201},"requestObject":{"data":{"k":"x\\\\\\",\\"verb\\":[{\\\\"}},"responseObject":{"a":"\\\\"}${tail}`;
    const whole = JSON.parse(line);
    const parsed = parseLine(line);
    expect(parsed.ok && parsed.prefixEnd).toBeGreaterThan(0);
    expect(parsed.ok && (parsed.record as { verb: string }).verb).toBe(whole.verb);
  });

  test('a key spelled with an escape away from its closing quote still counts as a repeated member', () => {
    const line = `${head}${meta},"responseStatus":{"code":201},"requestObject":{"a":1},"ve\\u0072b":"delete"${tail}`;
    const parsed = parseLine(line);
    expect(parsed.ok && parsed.prefixEnd).toBe(-1);
    expect(parsed.ok && (parsed.record as { verb: string }).verb).toBe('delete');
  });

  test('fuzz: 3 000 events with tricky strings in their bodies and managed fields (seed 16): sizes by position equal sizes by serialising', () => {
    const rand = seededFloats(16);
    const pieces = ['"', '\\', '\\"', '\\\\', '{', '}', '[', ']', ',', ':', 'é', '😀', '"managedFields":', ',"responseObject":', 'x'];
    const str = () => Array.from({ length: Math.floor(rand() * 6) }, () => pieces[Math.floor(rand() * pieces.length)]).join('');
    // Managed fields only where both ways look for them (an object's or a list item's metadata): by
    // position every `"managedFields":` key counts, by serialising only those.
    const managedFields = () => [{ manager: str(), fieldsV1: { [str()]: object(1) } }];
    const object = (depth: number): unknown => {
      if (depth > 2 || rand() < 0.3) return str();
      if (rand() < 0.3) return [object(depth + 1), str()];
      return { [str()]: object(depth + 1), name: str() };
    };
    for (let n = 0; n < 3_000; n++) {
      const event: Record<string, unknown> = JSON.parse(`${head}${meta}}`);
      event.responseStatus = { code: 200, message: str() };
      if (rand() < 0.8) event.requestObject = { kind: 'ConfigMap', metadata: { name: str(), managedFields: managedFields() }, data: object(0) };
      if (rand() < 0.8) event.responseObject = { kind: 'ConfigMapList', items: [{ metadata: { managedFields: managedFields() } }, object(0)] };
      event.requestReceivedTimestamp = 't';
      event.stageTimestamp = 't';
      const line = JSON.stringify(event);
      const bytes = Buffer.byteLength(line) + 1;
      const options = { tail: true, managedFields: true };
      const byPosition = measureEventLine(line, 'ResponseComplete', bytes, options);
      expect(byPosition, line).toEqual(measureEvent(event, line, 'ResponseComplete', bytes, { ...options, wrapped: true }));
    }
  }, 60_000);
});
