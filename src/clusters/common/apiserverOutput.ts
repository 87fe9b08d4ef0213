// Reading kube-apiserver's own words out of what it printed: the error it exited
// with ("command failed" err="…", klog's structured form) and the warning it logs
// when the policy only loads leniently (k8s.io/apiserver/pkg/audit/policy/reader.go).

/** The err value of kube-apiserver's final `"command failed" err="…"` line, unquoted. */
export function commandFailure(lines: readonly string[]): string | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const match = /"command failed" err=("(?:[^"\\]|\\.)*")/.exec(lines[i]);
    if (match) return unquoteGo(match[1]);
  }
  // Errors from flag parsing are printed by cobra as "Error: …".
  for (let i = lines.length - 1; i >= 0; i--) {
    const match = /^Error: (.*)$/.exec(lines[i]);
    if (match) return match[1];
  }
  return undefined;
}

/** Lenient-decoding warnings about the policy, as kube-apiserver logged them. */
export function policyWarnings(lines: readonly string[]): string[] {
  const warnings: string[] = [];
  for (const line of lines) {
    const match = /Audit policy contains errors, falling back to lenient decoding: (.*)$/.exec(line);
    if (match) warnings.push(match[1]);
  }
  return warnings;
}

/** Go's strconv.Quote output as a JS string (JSON covers it but for \x, \a, \v and \U escapes). */
export function unquoteGo(quoted: string): string {
  const jsonish = quoted
    .replace(/\\x([0-9a-fA-F]{2})/g, '\\u00$1')
    .replace(/\\a/g, '\\u0007')
    .replace(/\\v/g, '\\u000b')
    .replace(/\\U([0-9a-fA-F]{8})/g, (_, hex: string) => {
      const cp = Number.parseInt(hex, 16);
      return JSON.stringify(String.fromCodePoint(cp)).slice(1, -1);
    });
  try {
    return JSON.parse(jsonish) as string;
  } catch {
    return quoted.slice(1, -1);
  }
}
