// Upstream: fmt/print.go (the %#v verb for a []string).
//
// Go-syntax printing of a string list, as field.Invalid's message shows a
// value before 1.34 (fmt's %#v: `[]string{"a", "b"}`, `[]string(nil)`), each
// element quoted as strconv.Quote does.
import { goQuote } from '../strconv/quote.js';

/** fmt's %#v of a []string. */
export function goSyntaxStringList(list: readonly string[] | null): string {
  if (list === null) return '[]string(nil)';
  return `[]string{${list.map(goQuote).join(', ')}}`;
}
