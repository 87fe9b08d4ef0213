// Upstream: time/format.go (ParseDuration).
//
// Whether Go's time.ParseDuration accepts a string: kube-apiserver parses the
// `timeout` query parameter with it, and refuses the request when it fails.
//
// Grammar: [-+]? then "0" alone, or one or more of ([0-9]*(\.[0-9]*)? unit)
// with at least one digit before the unit, units ns us µs μs ms s m h, and the
// total (before the sign) at most 2^63 nanoseconds (2^63 - 1 when positive).

const NANOSECONDS: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n],
  ['us', 1_000n],
  ['\u00b5s', 1_000n], // MICRO SIGN
  ['\u03bcs', 1_000n], // GREEK SMALL LETTER MU
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
]);

const LIMIT = 1n << 63n;
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

export function isValidGoDuration(input: string): boolean {
  let s = input;
  let negative = false;
  if (s[0] === '-' || s[0] === '+') {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return true;
  if (s === '') return false;
  let total = 0n;
  let i = 0;
  while (i < s.length) {
    if (!(s[i] === '.' || isDigit(s[i]))) return false;
    // Integer part: Go refuses it once it no longer fits in 63 bits.
    let whole = 0n;
    const wholeStart = i;
    while (isDigit(s[i])) {
      if (whole > LIMIT / 10n) return false;
      whole = whole * 10n + BigInt(s.charCodeAt(i) - 48);
      if (whole > LIMIT) return false;
      i++;
    }
    const hasWhole = i > wholeStart;
    // Fraction: digits past what fits are read but ignored, never an error.
    let fraction = 0n;
    let scale = 1;
    let hasFraction = false;
    if (s[i] === '.') {
      i++;
      const fractionStart = i;
      let overflowed = false;
      while (isDigit(s[i])) {
        if (!overflowed) {
          if (fraction > (LIMIT - 1n) / 10n) overflowed = true;
          else {
            const next = fraction * 10n + BigInt(s.charCodeAt(i) - 48);
            if (next > LIMIT) overflowed = true;
            else {
              fraction = next;
              scale *= 10;
            }
          }
        }
        i++;
      }
      hasFraction = i > fractionStart;
    }
    if (!hasWhole && !hasFraction) return false;
    const unitStart = i;
    while (i < s.length && !(s[i] === '.' || isDigit(s[i]))) i++;
    if (i === unitStart) return false;
    const unit = NANOSECONDS.get(s.slice(unitStart, i));
    if (unit === undefined) return false;
    if (whole > LIMIT / unit) return false;
    let value = whole * unit;
    if (fraction > 0n) {
      // Go adds uint64(float64(f) * (float64(unit) / scale)), in float64.
      value += BigInt(Math.trunc(Number(fraction) * (Number(unit) / scale)));
      if (value > LIMIT) return false;
    }
    // uint64 in Go: 2^63 + 2^63 wraps to 0 rather than failing.
    total = (total + value) % (1n << 64n);
    if (total > LIMIT) return false;
  }
  return negative || total <= LIMIT - 1n;
}
