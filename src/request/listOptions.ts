// The part of a list/watch request's query kube-apiserver's RequestInfo reads:
// it decodes the whole query into metainternalversion.ListOptions (through
// metav1.ListOptions, as ParameterCodec.DecodeParameters does) and, when that
// fails anywhere, falls back to reading only `watch` by hand.
import { parseFieldSelector, type FieldTerm } from './fieldSelector.js';
import { isGoInt64, labelSelectorError } from './labelSelector.js';

export interface DecodedListOptions {
  watch: boolean;
  /** The parsed fieldSelector; undefined when there was none to parse or decoding failed. */
  fieldSelector: FieldTerm[] | undefined;
  /** Why DecodeParameters failed, when it did. */
  error?: string;
}

/** strings.EqualFold(s, "false"): simple case folding, where "ſ" (U+017F) folds to "s". */
function equalFoldFalse(s: string): boolean {
  const chars = [...s];
  if (chars.length !== 5) return false;
  const folds = [['f', 'F'], ['a', 'A'], ['l', 'L'], ['s', 'S', 'ſ'], ['e', 'E']];
  return chars.every((c, i) => folds[i].includes(c));
}

/** runtime.Convert_Slice_string_To_bool on the first value. */
function convertBool(values: readonly string[] | undefined): boolean {
  if (!values || values.length === 0) return false;
  return !(values[0] === '0' || equalFoldFalse(values[0]));
}

export function decodeListOptions(query: ReadonlyMap<string, string[]>): DecodedListOptions {
  // DecodeParameters returns early, leaving the zero value, when there are no parameters.
  if (query.size === 0) return { watch: false, fieldSelector: undefined };
  const first = (key: string) => query.get(key)?.[0];
  let error: string | undefined;
  // url.Values -> metav1.ListOptions: only the integer fields can fail here.
  for (const key of ['timeoutSeconds', 'limit']) {
    const v = first(key);
    if (v !== undefined && !isGoInt64(v)) error ??= `strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`;
  }
  // metav1 -> internal: both selectors are parsed, labels first.
  if (error === undefined) error = labelSelectorError(first('labelSelector') ?? '');
  let fieldSelector: FieldTerm[] | undefined;
  if (error === undefined) {
    const parsed = parseFieldSelector(first('fieldSelector') ?? '');
    if (parsed.ok) fieldSelector = parsed.terms;
    else error = parsed.error;
  }
  if (error !== undefined) {
    // requestinfo.go resets the options and only honours watch, lowercased by hand
    // (strings.ToLower: unlike EqualFold above, "falſe" is then not "false"; no
    // other character lowercases differently to an ASCII letter in Go and JS).
    const w = first('watch');
    const watch = w !== undefined && !['false', '0'].includes(w.toLowerCase());
    return { watch, fieldSelector: undefined, error };
  }
  return { watch: convertBool(query.get('watch')), fieldSelector };
}

