// Scanning JSON text without parsing it, for the replay's readers of log lines
// (eventLine.ts, eventSizes.ts), which walk a line's structure to find keys
// and the ends of values while leaving the values unbuilt.

/**
 * The position of the quote that closes the string opened at `open`, or the
 * text's length when it is not closed. A quote closes it when an even number
 * of backslashes precedes it (each pair is an escaped backslash); nothing else
 * in a string matters to the scanners, so it is found by native search rather
 * than by walking every character, which is most of the bytes of a body.
 */
export function closingQuote(text: string, open: number): number {
  let quote = text.indexOf('"', open + 1);
  while (quote !== -1) {
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === 0x5c /* \ */) backslashes++;
    if ((backslashes & 1) === 0) return quote;
    quote = text.indexOf('"', quote + 1);
  }
  return text.length;
}
