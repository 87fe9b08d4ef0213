// Upstream: encoding/json fold.go.
//
// encoding/json's case-insensitive key matching (fold.go, foldName), which
// apimachinery's sniffing of apiVersion and kind uses: "APIVERSION" and
// "apiversion" both select apiVersion there.

/**
 * The key encoding/json's case-insensitive field matching compares: ASCII
 * letters upper-cased, other runes mapped to upper(lower(r)) (so the Kelvin
 * sign matches "k" and the long s matches "s", as in Go).
 */
export function goFoldName(name: string): string {
  let out = '';
  for (const ch of name) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) {
      out += ch >= 'a' && ch <= 'z' ? ch.toUpperCase() : ch;
      continue;
    }
    let lower = ch.toLowerCase();
    if ([...lower].length !== 1) lower = ch;
    let upper = lower.toUpperCase();
    if ([...upper].length !== 1) upper = lower;
    out += upper;
  }
  return out;
}
