// Upstream: encoding/json encode.go (appendString); sort.Strings on map keys.
//
// encoding/json's encoding of strings (encode.go: appendString, HTML escaping
// on, as json.Marshal does), as kube-apiserver's error messages embed them, and
// the byte order Go sorts map keys in before marshalling them. Messages must
// match upstream byte for byte, so these follow Go's rules, not JavaScript's.

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** encoding/json's encoding of a string (json.Marshal, HTML escaping on). */
export function goJsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) {
      switch (ch) {
        case '\\':
        case '"':
          out += '\\' + ch;
          continue;
        case '\b':
          out += '\\b';
          continue;
        case '\f':
          out += '\\f';
          continue;
        case '\n':
          out += '\\n';
          continue;
        case '\r':
          out += '\\r';
          continue;
        case '\t':
          out += '\\t';
          continue;
        case '<':
        case '>':
        case '&':
          out += '\\u00' + hex(cp, 2);
          continue;
      }
      out += cp < 0x20 ? '\\u00' + hex(cp, 2) : ch;
      continue;
    }
    if (cp === 0x2028 || cp === 0x2029) out += '\\u' + hex(cp, 4);
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd';
    else out += ch;
  }
  return out + '"';
}

/** json.Marshal of a []string. A nil slice marshals as null. */
export function goJsonStringList(list: readonly string[] | null): string {
  if (list === null) return 'null';
  return '[' + list.map(goJsonString).join(',') + ']';
}

/** Byte order of the UTF-8 encodings, which is how Go sorts map keys. */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
