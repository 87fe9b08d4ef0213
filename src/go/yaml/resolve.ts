// Upstream: go.yaml.in/yaml/v2 resolve.go, scannerc.go (scalar escapes).
//
// How go-yaml v2 (go.yaml.in/yaml/v2, the parser behind sigs.k8s.io/yaml)
// turns a scalar's text into a value: YAML 1.1 resolution of plain scalars
// (resolve.go), explicit tags, and its own double-quoted escapes and line
// folding (scannerc.go). This decides whether `on`, `0x1F` or `~` in a policy
// is a string, a number, a boolean or null.

/** A scalar go-yaml refuses; `message` follows "yaml: ". */
export class ScalarError extends Error {}

export type GoScalar =
  | { t: 'str'; v: string }
  | { t: 'bool'; v: boolean }
  | { t: 'int'; v: bigint }
  | { t: 'float'; v: number }
  | { t: 'null' };

const RESOLVE_MAP: Record<string, GoScalar> = {};
for (const s of ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']) RESOLVE_MAP[s] = { t: 'bool', v: true };
for (const s of ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']) RESOLVE_MAP[s] = { t: 'bool', v: false };
for (const s of ['', '~', 'null', 'Null', 'NULL']) RESOLVE_MAP[s] = { t: 'null' };
for (const s of ['.nan', '.NaN', '.NAN']) RESOLVE_MAP[s] = { t: 'float', v: NaN };
for (const s of ['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']) RESOLVE_MAP[s] = { t: 'float', v: Infinity };
for (const s of ['-.inf', '-.Inf', '-.INF']) RESOLVE_MAP[s] = { t: 'float', v: -Infinity };

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** strconv.ParseInt/ParseUint with base 0 (prefixes 0x, 0o, 0b, or a leading 0 for octal). */
function parseGoInt(s: string, signed: boolean): bigint | undefined {
  let body = s;
  let negative = false;
  if (signed && (body.startsWith('+') || body.startsWith('-'))) {
    negative = body.startsWith('-');
    body = body.slice(1);
  }
  if (body === '') return undefined;
  let digits: string;
  let pattern: RegExp;
  let radixPrefix: string;
  const lower = body.toLowerCase();
  if (lower.startsWith('0x')) {
    digits = body.slice(2);
    pattern = /^[0-9a-fA-F]+$/;
    radixPrefix = '0x';
  } else if (lower.startsWith('0o')) {
    digits = body.slice(2);
    pattern = /^[0-7]+$/;
    radixPrefix = '0o';
  } else if (lower.startsWith('0b')) {
    digits = body.slice(2);
    pattern = /^[01]+$/;
    radixPrefix = '0b';
  } else if (body.length > 1 && body.startsWith('0')) {
    digits = body.slice(1);
    pattern = /^[0-7]+$/;
    radixPrefix = '0o';
  } else {
    digits = body;
    pattern = /^[0-9]+$/;
    radixPrefix = '';
  }
  if (!pattern.test(digits)) return undefined;
  let value = BigInt(radixPrefix + digits);
  if (negative) value = -value;
  if (signed ? value < INT64_MIN || value > INT64_MAX : value > UINT64_MAX) return undefined;
  return value;
}

/** strconv.ParseFloat on text already known to be decimal; out-of-range is a failure, as in Go. */
function parseGoFloat(s: string): number | undefined {
  const v = Number(s);
  return Number.isFinite(v) ? v : undefined;
}

/** resolve() for an untagged plain scalar. */
export function resolvePlain(text: string): GoScalar {
  const first = text.length === 0 ? 'N' : text[0];
  let hint: 'S' | 'D' | 'M' | '.' | 'N' | undefined;
  if (first === '+' || first === '-') hint = 'S';
  else if (first >= '0' && first <= '9') hint = 'D';
  else if ('yYnNtTfFoO~'.includes(first)) hint = 'M';
  else if (first === '.') hint = '.';
  else if (text.length === 0) hint = 'N';
  if (hint === undefined) return { t: 'str', v: text };
  const mapped = RESOLVE_MAP[text];
  if (mapped) return mapped;
  if (hint === '.') {
    if (/^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(text)) {
      const f = parseGoFloat(text);
      if (f !== undefined) return { t: 'float', v: f };
    }
  } else if (hint === 'S' || hint === 'D') {
    // (Timestamps are tried first upstream, but decoded into interface{} they stay strings.)
    const plain = text.replaceAll('_', '');
    const i = parseGoInt(plain, true);
    if (i !== undefined) return { t: 'int', v: i };
    const u = parseGoInt(plain, false);
    if (u !== undefined) return { t: 'int', v: u };
    if (YAML_STYLE_FLOAT.test(plain)) {
      const f = parseGoFloat(plain);
      if (f !== undefined) return { t: 'float', v: f };
    }
  }
  return { t: 'str', v: text };
}

const LONG_TAG_PREFIX = 'tag:yaml.org,2002:';

export function shortTag(tag: string): string {
  return tag.startsWith(LONG_TAG_PREFIX) ? '!!' + tag.slice(LONG_TAG_PREFIX.length) : tag;
}

function goTagOf(value: GoScalar): string {
  switch (value.t) {
    case 'str':
      return '!!str';
    case 'bool':
      return '!!bool';
    case 'int':
      return '!!int';
    case 'float':
      return '!!float';
    case 'null':
      return '!!null';
  }
}

/** resolve() for a scalar with an explicit tag (quoted or not). */
export function resolveTagged(tag: string, text: string, plain: boolean): GoScalar {
  switch (tag) {
    case '!!str':
      return { t: 'str', v: text };
    case '!!binary': {
      // base64.StdEncoding skips line breaks only.
      const clean = text.replace(/[\r\n]+/g, '');
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0) {
        throw new ScalarError('!!binary value contains invalid base64 data');
      }
      // The bytes become a Go string; encoding/json then replaces invalid UTF-8 with U+FFFD.
      return { t: 'str', v: Buffer.from(clean, 'base64').toString('utf8') };
    }
    case '!!bool':
    case '!!int':
    case '!!float':
    case '!!null':
    case '!!timestamp': {
      // resolve(tag, in) resolves as if untagged (timestamps included), then insists the result fits the tag.
      void plain;
      const resolved = resolvePlainForTag(text);
      const got = resolved.kind;
      if (got === tag) return resolved.value;
      if (tag === '!!float' && got === '!!int' && resolved.value.t === 'int') {
        return { t: 'float', v: Number(resolved.value.v) };
      }
      throw new ScalarError(`cannot decode ${got} \`${text}\` as a ${tag}`);
    }
    default:
      // Tags go-yaml cannot resolve leave the text as a string.
      return { t: 'str', v: text };
  }
}

const TIMESTAMP = /^[0-9]{4}-/;

function resolvePlainForTag(text: string): { kind: string; value: GoScalar } {
  const value = resolvePlain(text);
  // A timestamp-looking value resolves to !!timestamp when it parses as one; as a value it remains the text.
  if (value.t === 'str' && TIMESTAMP.test(text) && looksLikeGoTimestamp(text)) {
    return { kind: '!!timestamp', value: { t: 'str', v: text } };
  }
  return { kind: goTagOf(value), value };
}

/** The timestamp layouts go-yaml v2 accepts (allowedTimestampFormats), loosely. */
function looksLikeGoTimestamp(s: string): boolean {
  return (
    /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$/.test(s) ||
    /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[Tt][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$/.test(s) ||
    /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2} [0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]+)?$/.test(s)
  );
}
