// Whether k8s.io/apimachinery/pkg/labels.Parse accepts a label selector. RequestInfo
// only needs the verdict: when the labelSelector query parameter does not parse,
// kube-apiserver drops every decoded list option, including a fieldSelector name.
// The lexer works on bytes and, like upstream's, reads a NUL byte as the end.
import { decodeGoString } from '../go/utf8/byteString.js';

const enum Tok {
  Error,
  EndOfString,
  ClosedPar,
  Comma,
  DoesNotExist,
  DoubleEquals,
  Equals,
  GreaterThan,
  Identifier,
  In,
  LessThan,
  NotEquals,
  NotIn,
  OpenPar,
}

const LITERALS = new Map<string, Tok>([
  [')', Tok.ClosedPar],
  [',', Tok.Comma],
  ['!', Tok.DoesNotExist],
  ['==', Tok.DoubleEquals],
  ['=', Tok.Equals],
  ['>', Tok.GreaterThan],
  ['in', Tok.In],
  ['<', Tok.LessThan],
  ['!=', Tok.NotEquals],
  ['notin', Tok.NotIn],
  ['(', Tok.OpenPar],
]);

interface Item {
  tok: Tok;
  lit: string;
}

const isWhitespace = (b: number) => b === 0x20 || b === 0x09 || b === 0x0d || b === 0x0a;
const isSpecial = (b: number) => b !== 0 && '=!(),><'.includes(String.fromCharCode(b));


function lex(input: string): Item[] {
  const s = new TextEncoder().encode(input);
  let pos = 0;
  const read = (): number => (pos < s.length ? s[pos++] : 0);
  const unread = () => void pos--;
  const items: Item[] = [];
  for (;;) {
    let ch = read();
    while (isWhitespace(ch)) ch = read();
    let item: Item;
    if (ch === 0) {
      item = { tok: Tok.EndOfString, lit: '' };
    } else if (isSpecial(ch)) {
      unread();
      // Grow the operator while the longer spelling is still a token ("!" then "!=").
      let buffer = '';
      let last: Item | undefined;
      for (;;) {
        const c = read();
        if (c === 0) break;
        if (isSpecial(c)) {
          buffer += String.fromCharCode(c);
          const tok = LITERALS.get(buffer);
          if (tok !== undefined) last = { tok, lit: buffer };
          else if (last) {
            unread();
            break;
          }
        } else {
          unread();
          break;
        }
      }
      item = last ?? { tok: Tok.Error, lit: `error expected: keyword found '${buffer}'` };
    } else {
      unread();
      const bytes: number[] = [];
      for (;;) {
        const c = read();
        if (c === 0) break;
        if (isSpecial(c) || isWhitespace(c)) {
          unread();
          break;
        }
        bytes.push(c);
      }
      const lit = decodeGoString(new Uint8Array(bytes));
      const tok = LITERALS.get(lit);
      item = { tok: tok ?? Tok.Identifier, lit };
    }
    items.push(item);
    if (item.tok === Tok.EndOfString) return items;
  }
}

const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const byteLength = (s: string) => new TextEncoder().encode(s).length;

/** content.IsLabelKey: [DNS-subdomain prefix "/"] name. */
export function isLabelKey(key: string): boolean {
  const parts = key.split('/');
  if (parts.length > 2) return false;
  const name = parts.length === 2 ? parts[1] : parts[0];
  if (parts.length === 2) {
    const prefix = parts[0];
    if (prefix === '' || byteLength(prefix) > 253 || !DNS1123_SUBDOMAIN.test(prefix)) return false;
  }
  return name !== '' && byteLength(name) <= 63 && LABEL_NAME.test(name);
}

/** validation.IsValidLabelValue. */
export function isLabelValue(value: string): boolean {
  return byteLength(value) <= 63 && LABEL_VALUE.test(value);
}

/** strconv.ParseInt(s, 10, 64) succeeds. */
export function isGoInt64(s: string): boolean {
  if (!/^[+-]?[0-9]+$/.test(s)) return false;
  const n = BigInt(s);
  return n >= -(2n ** 63n) && n <= 2n ** 63n - 1n;
}

class ParseError extends Error {}

/** Returns undefined when labels.Parse accepts the selector, else why not. */
export function labelSelectorError(selector: string): string | undefined {
  const items = lex(selector);
  let position = 0;
  // In value position "in" and "notin" are plain identifiers.
  const asValue = (it: Item): Item =>
    it.tok === Tok.In || it.tok === Tok.NotIn ? { tok: Tok.Identifier, lit: it.lit } : it;
  const lookahead = () => asValue(items[Math.min(position, items.length - 1)]);
  const consumeValue = () => asValue(items[Math.min(position++, items.length - 1)]);
  const consumeOperator = () => items[Math.min(position++, items.length - 1)];

  const requirement = () => {
    // parseKeyAndInferOperator
    let op = '';
    let it = consumeValue();
    if (it.tok === Tok.DoesNotExist) {
      op = '!';
      it = consumeValue();
    }
    if (it.tok !== Tok.Identifier) throw new ParseError(`found '${it.lit}', expected: identifier`);
    const key = it.lit;
    if (!isLabelKey(key)) throw new ParseError(`invalid label key ${JSON.stringify(key)}`);
    const next = lookahead().tok;
    if (next === Tok.EndOfString || next === Tok.Comma) {
      if (op !== '!') op = 'exists';
    }
    if (op === '!' || op === 'exists') return;
    // parseOperator
    const opItem = consumeOperator();
    let values: string[];
    switch (opItem.tok) {
      case Tok.In:
      case Tok.NotIn:
        values = setValues();
        break;
      case Tok.Equals:
      case Tok.DoubleEquals:
      case Tok.NotEquals:
      case Tok.GreaterThan:
      case Tok.LessThan:
        values = [exactValue()];
        if ((opItem.tok === Tok.GreaterThan || opItem.tok === Tok.LessThan) && !isGoInt64(values[0])) {
          throw new ParseError(`for 'Gt', 'Lt' operators, the value must be an integer`);
        }
        break;
      default:
        throw new ParseError(`found '${opItem.lit}', expected: in, notin, =, ==, !=, gt, lt`);
    }
    for (const v of values) if (!isLabelValue(v)) throw new ParseError(`invalid label value ${JSON.stringify(v)}`);
  };

  const setValues = (): string[] => {
    let it = consumeValue();
    if (it.tok !== Tok.OpenPar) throw new ParseError(`found '${it.lit}' expected: '('`);
    it = lookahead();
    if (it.tok === Tok.ClosedPar) {
      consumeValue();
      return [''];
    }
    if (it.tok !== Tok.Identifier && it.tok !== Tok.Comma) {
      throw new ParseError(`found '${it.lit}', expected: ',', ')' or identifier`);
    }
    const values = new Set<string>();
    for (;;) {
      const v = consumeValue();
      if (v.tok === Tok.Identifier) {
        values.add(v.lit);
        const t2 = lookahead();
        if (t2.tok === Tok.Comma) continue;
        if (t2.tok === Tok.ClosedPar) break;
        throw new ParseError(`found '${t2.lit}', expected: ',' or ')'`);
      } else if (v.tok === Tok.Comma) {
        if (values.size === 0) values.add('');
        const t2 = lookahead().tok;
        if (t2 === Tok.ClosedPar) {
          values.add('');
          break;
        }
        if (t2 === Tok.Comma) values.add('');
      } else {
        throw new ParseError(`found '${v.lit}', expected: ',', or identifier`);
      }
    }
    if (consumeValue().tok !== Tok.ClosedPar) throw new ParseError(`found '${it.lit}', expected: ')'`);
    return [...values];
  };

  const exactValue = (): string => {
    const t = lookahead().tok;
    if (t === Tok.EndOfString || t === Tok.Comma) return '';
    const it = consumeValue();
    if (it.tok === Tok.Identifier) return it.lit;
    throw new ParseError(`found '${it.lit}', expected: identifier`);
  };

  try {
    for (;;) {
      const it = lookahead();
      if (it.tok === Tok.EndOfString) return undefined;
      if (it.tok !== Tok.Identifier && it.tok !== Tok.DoesNotExist) {
        throw new ParseError(`found '${it.lit}', expected: !, identifier, or 'end of string'`);
      }
      requirement();
      const after = consumeValue();
      if (after.tok === Tok.EndOfString) return undefined;
      if (after.tok !== Tok.Comma) throw new ParseError(`found '${after.lit}', expected: ',' or 'end of string'`);
      const t2 = lookahead();
      if (t2.tok !== Tok.Identifier && t2.tok !== Tok.DoesNotExist) {
        throw new ParseError(`found '${t2.lit}', expected: identifier after ','`);
      }
    }
  } catch (err) {
    if (err instanceof ParseError) return `unable to parse requirement: ${err.message}`;
    throw err;
  }
}
