// kube-apiserver decodes the policy strictly first and, when that fails only on
// unknown or duplicate fields, decodes again leniently with nothing but a log
// line (pkg/audit/policy/reader.go, LoadPolicyFromBytes): unknown and mis-cased
// fields are dropped, the last of repeated keys wins, documents after the first
// are never read. The reader reports each of these as a PolicyWarning whose
// message already spells out what that does to matching; lint surfaces them so
// `check --strict` fails on them like on any other finding.
import type { Policy, SourcePosition } from '../../audit/types.js';
import type { LintRule } from '../types.js';

const CODE = 'silently-ignored';

const atOrBefore = (a: SourcePosition, b: SourcePosition) => a.line < b.line || (a.line === b.line && a.col <= b.col);

/**
 * The rule a position falls in: the last rule starting before it, if the position
 * is indented under that rule's list item (a key back at the item's column or
 * left of it belongs to the policy).
 */
function ruleAt(policy: Policy, pos: SourcePosition): number | undefined {
  let found: number | undefined;
  policy.rules.forEach((rule, index) => {
    if (atOrBefore(rule.pos, pos)) found = index;
  });
  if (found === undefined) return undefined;
  const rule = policy.rules[found].pos;
  return pos.line === rule.line || pos.col > rule.col ? found : undefined;
}

export const silentlyIgnored: LintRule = {
  code: CODE,
  summary: 'something kube-apiserver loads without error but ignores (unknown or mis-cased field, repeated key, extra document)',
  check({ policy, warnings }) {
    return warnings.map((warning) => {
      const ruleIndex = warning.code === 'ignored-document' ? undefined : ruleAt(policy, warning.pos);
      return {
        code: CODE,
        severity: 'warning' as const,
        message: `${warning.message} (${warning.code})`,
        pos: warning.pos,
        ...(ruleIndex !== undefined ? { ruleIndex } : {}),
      };
    });
  },
};
