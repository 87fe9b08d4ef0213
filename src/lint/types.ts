// What the policy linter reports. Lint goes beyond what kube-apiserver checks: a
// policy with findings still loads, but some of its rules do not do what they
// appear to say.
import type { KubeVersion, Policy, PolicyWarning, SourcePosition } from '../audit/types.js';

export interface LintFinding {
  /** Machine-readable rule code, e.g. "shadowed-rule". */
  code: string;
  severity: 'warning';
  /** What the finding means for matching, and what to do about it. */
  message: string;
  pos: SourcePosition;
  /** 0-based index of the policy rule the finding is about, when it is about one. */
  ruleIndex?: number;
}

/** Everything a lint rule may look at. */
export interface LintContext {
  policy: Policy;
  /** The reader's lenient-decoding findings (fields kube-apiserver drops, duplicate keys). */
  warnings: readonly PolicyWarning[];
  kubeVersion: KubeVersion;
}

export interface LintRule {
  code: string;
  /** One sentence for `--help`-style listings. */
  summary: string;
  check(context: LintContext): LintFinding[];
}
