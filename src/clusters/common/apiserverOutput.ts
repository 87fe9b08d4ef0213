// Reading kube-apiserver's own words out of what it printed: the error it exited
// with ("command failed" err="…", klog's structured form) and the warning it logs
// when the policy only loads leniently (k8s.io/apiserver/pkg/audit/policy/reader.go).
import { goUnquote } from '../../go/strconv/quote.js';

/** The err value of kube-apiserver's final `"command failed" err="…"` line, unquoted. */
export function commandFailure(lines: readonly string[]): string | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const match = /"command failed" err=("(?:[^"\\]|\\.)*")/.exec(lines[i]);
    if (match) return goUnquote(match[1]);
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
