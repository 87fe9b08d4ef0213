// Upstream: time/format.go (Parse with RFC3339).
//
// time.Parse(time.RFC3339, s) as metav1.Time.UnmarshalJSON calls it, reduced
// to what matters here: whether a metadata timestamp parses, and if not, the
// error text Go prints (it ends up in "failed decoding: parsing time ...").
// Follows the element-by-element walk of Go's time/format.go parse().

const LAYOUT = '2006-01-02T15:04:05Z07:00';

/** time's own quote(): non-ASCII and control bytes as \x.., '"' and '\\' escaped. */
function timeQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0x80 || cp < 0x20) {
      for (const b of Buffer.from(ch, 'utf8')) out += '\\x' + b.toString(16).padStart(2, '0');
    } else {
      if (ch === '"' || ch === '\\') out += '\\';
      out += ch;
    }
  }
  return out + '"';
}

class ParseFailure extends Error {}

function isDigit(s: string, i: number): boolean {
  return i < s.length && s[i] >= '0' && s[i] <= '9';
}

function daysIn(month: number, year: number): number {
  if (month === 2) return (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Returns undefined when `value` parses as RFC 3339, else Go's *time.ParseError text. */
export function rfc3339ParseError(value: string): string | undefined {
  const cannot = (valueElem: string, layoutElem: string): ParseFailure =>
    new ParseFailure(`parsing time ${timeQuote(value)} as ${timeQuote(LAYOUT)}: cannot parse ${timeQuote(valueElem)} as ${timeQuote(layoutElem)}`);
  const outOfRange = (what: string): ParseFailure => new ParseFailure(`parsing time ${timeQuote(value)}: ${what} out of range`);
  let rest = value;
  const skip = (literal: string): void => {
    if (!rest.startsWith(literal)) throw cannot(rest, literal);
    rest = rest.slice(literal.length);
  };
  const getnum = (layoutElem: string, fixed: boolean): number => {
    if (!isDigit(rest, 0)) throw cannot(rest, layoutElem);
    if (!isDigit(rest, 1)) {
      if (fixed) throw cannot(rest, layoutElem);
      const n = Number(rest[0]);
      rest = rest.slice(1);
      return n;
    }
    const n = Number(rest.slice(0, 2));
    rest = rest.slice(2);
    return n;
  };
  try {
    if (rest.length < 4 || !/^[0-9]{4}/.test(rest)) throw cannot(rest, '2006');
    const year = Number(rest.slice(0, 4));
    rest = rest.slice(4);
    skip('-');
    const month = getnum('01', true);
    if (month <= 0 || month > 12) throw outOfRange('month');
    skip('-');
    const day = getnum('02', true);
    if (day < 1 || day > 31) throw outOfRange('day');
    skip('T');
    const hour = getnum('15', false);
    if (hour < 0 || hour >= 24) throw outOfRange('hour');
    skip(':');
    const minute = getnum('04', true);
    if (minute < 0 || minute >= 60) throw outOfRange('minute');
    skip(':');
    const second = getnum('05', true);
    if (second < 0 || second >= 60) throw outOfRange('second');
    // A fraction may follow the seconds even though the layout has none.
    if (rest.length >= 2 && (rest[0] === '.' || rest[0] === ',') && isDigit(rest, 1)) {
      let n = 1;
      while (isDigit(rest, n)) n++;
      rest = rest.slice(n);
    }
    if (rest.startsWith('Z')) {
      rest = rest.slice(1);
    } else {
      const tz = rest;
      if (rest.length < 6 || rest[3] !== ':') throw cannot(tz, 'Z07:00');
      const sign = rest[0];
      const hh = rest.slice(1, 3);
      const mm = rest.slice(4, 6);
      rest = rest.slice(6);
      if (!/^[0-9]{2}$/.test(hh) || !/^[0-9]{2}$/.test(mm) || (sign !== '+' && sign !== '-')) throw cannot(tz, 'Z07:00');
      if (Number(hh) > 24) throw outOfRange('time zone offset hour');
      if (Number(mm) > 60) throw outOfRange('time zone offset minute');
    }
    if (rest.length > 0) {
      throw new ParseFailure(`parsing time ${timeQuote(value)}: extra text: ${timeQuote(rest)}`);
    }
    if (day > daysIn(month, year)) throw new ParseFailure(`parsing time ${timeQuote(value)}: day out of range`);
    return undefined;
  } catch (e) {
    if (e instanceof ParseFailure) return e.message;
    throw e;
  }
}
