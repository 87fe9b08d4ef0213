// Which lines of a policy file each rule occupies, so coverage can be drawn onto
// the policy source (LCOV DA lines, the HTML page). The rule positions the loader
// keeps only say where a rule starts; its extent comes from the YAML node.
import { readFileSync } from 'node:fs';
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Policy } from '../audit/types.js';

export interface LineRange {
  /** 1-based, inclusive. */
  start: number;
  end: number;
}

/** Line ranges of `rules[i]`, in rule order; empty when the source has no rules list. */
export function ruleLineRanges(source: string): LineRange[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, keepSourceTokens: false, uniqueKeys: false });
  if (!isMap(doc.contents)) return [];
  const rules = doc.contents.get('rules', true);
  if (!isSeq(rules)) return [];
  const ranges: LineRange[] = [];
  for (const item of rules.items) {
    const range = (item as { range?: [number, number, number] } | null)?.range;
    if (!range) {
      ranges.push({ start: 0, end: 0 });
      continue;
    }
    const start = lineCounter.linePos(range[0]).line;
    const endPos = lineCounter.linePos(Math.max(range[0], range[1]));
    // A node that ends at the start of a line ends on the line before.
    const end = endPos.col === 1 && endPos.line > start ? endPos.line - 1 : endPos.line;
    ranges.push({ start, end: Math.max(start, end) });
  }
  return ranges;
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
