// Which lines of a policy file each rule occupies, so coverage can be drawn onto
// the policy source (LCOV DA lines, the HTML page). The rule positions the loader
// keeps only say where a rule starts; its extent comes from the same reader
// kube-apiserver's decoding is reproduced with (audit/policy/decode.ts,
// readPolicyTree), so every policy that loads has ranges that agree with the
// rules' positions, however it is written.
import { readFileSync } from 'node:fs';
import { readPolicyTree, topLevelRules } from '../audit/policy/decode.js';
import type { Policy } from '../audit/types.js';

export interface LineRange {
  /** 1-based, inclusive. */
  start: number;
  end: number;
}

/** Lines as ranges count them (go/json/tree.ts LineIndex): "\r\n", "\n" or a lone "\r" ends one. */
export function sourceLines(source: string): string[] {
  return source.split(/\r\n|\n|\r/);
}

/** Line ranges of `rules[i]`, in rule order; empty when the source has no rules list. */
export function ruleLineRanges(source: string): LineRange[] {
  const tree = readPolicyTree(source);
  if (!tree.ok) return [];
  // With "rules" written twice (JSON), the last list decides how many rules there are and where they are written.
  const rules = topLevelRules(tree.root).at(-1);
  if (!rules) return [];
  return rules.items.map((item, i) => {
    const start = rules.itemLocs[i].line;
    // A YAML block mapping ends where its last value does, so comments after it are not part of the rule.
    return { start, end: Math.max(start, item.end?.line ?? start) };
  });
}

/**
 * Line ranges of every rule of a loaded policy, each in the file it was
 * written in: `path`'s for a policy file, its module's for a policy composed
 * from a module directory. A rule whose extent cannot be found gets {0, 0}.
 */
export function policyRuleLineRanges(policy: Policy, path: string): LineRange[] {
  if (!policy.modules) return ruleLineRanges(readFileSync(path, 'utf8'));
  return policy.modules.flatMap((module) => {
    const ranges = ruleLineRanges(readFileSync(module.path, 'utf8'));
    return Array.from({ length: module.ruleCount }, (_, i) => ranges[i] ?? { start: 0, end: 0 });
  });
}
