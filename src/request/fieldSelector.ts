// Field selectors as k8s.io/apimachinery/pkg/fields parses them (ParseSelector),
// reduced to what RequestInfo needs: does it parse, and which value does
// RequiresExactMatch give for a field.

export interface FieldTerm {
  field: string;
  /** "=" and "==" are the same operator; "!=" never pins a value. */
  op: '=' | '!=';
  value: string;
}

export type FieldSelectorParse = { ok: true; terms: FieldTerm[] } | { ok: false; error: string };

/** Splits on commas not escaped by a backslash (fields.splitTerms). */
function splitTerms(selector: string): string[] {
  if (selector === '') return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < selector.length; ) {
    const width = selector.codePointAt(i)! > 0xffff ? 2 : 1;
    const c = selector[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
    i += width;
  }
  terms.push(selector.slice(start));
  return terms;
}

/** The first operator position, trying "!=", "==", "=" at each character (fields.splitTerm). */
function splitTerm(term: string): { lhs: string; op: string; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of ['!=', '==', '=']) {
      if (term.startsWith(op, i)) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return undefined;
}

/** fields.UnescapeValue: "\\", "\," and "\=" are the only escapes; bare "," or "=" is an error. */
function unescapeValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c === '\\' || c === ',' || c === '=') out += c;
      else throw new Error(`invalid field selector: invalid escape sequence: \\${c}`);
      inSlash = false;
      continue;
    }
    if (c === '\\') inSlash = true;
    else if (c === ',' || c === '=') throw new Error(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    else out += c;
  }
  if (inSlash) throw new Error('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** Go compares strings bytewise; for UTF-8 that is code point order (JS sorts by UTF-16 unit). */
export function compareGoStrings(a: string, b: string): number {
  const ai = a[Symbol.iterator]();
  const bi = b[Symbol.iterator]();
  for (;;) {
    const x = ai.next();
    const y = bi.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const d = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}

/**
 * Parses like fields.ParseSelector: terms are sorted before they are read, and a
 * term with neither field nor value ("=") selects everything, so it is dropped.
 */
export function parseFieldSelector(selector: string): FieldSelectorParse {
  const parts = splitTerms(selector).sort(compareGoStrings);
  const terms: FieldTerm[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const split = splitTerm(part);
    if (!split) return { ok: false, error: `invalid selector: '${selector}'; can't understand '${part}'` };
    let value: string;
    try {
      value = unescapeValue(split.rhs);
    } catch (err) {
      return { ok: false, error: (err as Error).message };
    }
    if (split.lhs === '' && value === '') continue;
    terms.push({ field: split.lhs, op: split.op === '!=' ? '!=' : '=', value });
  }
  return { ok: true, terms };
}

/** Selector.RequiresExactMatch(field): the first (sorted) "field=value" term. */
export function requiresExactMatch(terms: readonly FieldTerm[], field: string): string | undefined {
  return terms.find((t) => t.op === '=' && t.field === field)?.value;
}

/** Escapes a value for a field selector term (fields.EscapeValue). */
export function escapeFieldSelectorValue(value: string): string {
  return value.replace(/[\\,=]/g, (c) => `\\${c}`);
}
