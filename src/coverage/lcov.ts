// LCOV tracefile of rule coverage, mapped onto the policy YAML so any LCOV
// viewer (genhtml, editor gutters, CI coverage services) can show it. Each rule
// is a "function" named after its index and level; every line the rule occupies
// gets a DA record carrying the rule's hits.
import type { CoverageSummary } from './model.js';

export function formatLcov(summary: CoverageSummary, testName = 'auditspec'): string {
  const out: string[] = [];
  for (const policy of summary.policies) {
    if (policy.error) continue;
    out.push(`TN:${testName}`, `SF:${policy.file}`);
    for (const rule of policy.rules) out.push(`FN:${rule.lines.start},rule-${rule.index}-${rule.level}`);
    for (const rule of policy.rules) out.push(`FNDA:${rule.hits},rule-${rule.index}-${rule.level}`);
    out.push(`FNF:${policy.rules.length}`, `FNH:${policy.coveredRules}`);
    // A line belongs to one rule; sorted so viewers that expect order get it.
    const lines = new Map<number, number>();
    for (const rule of policy.rules) {
      for (let line = rule.lines.start; line <= rule.lines.end; line++) lines.set(line, rule.hits);
    }
    const sorted = [...lines].sort(([a], [b]) => a - b);
    for (const [line, hits] of sorted) out.push(`DA:${line},${hits}`);
    out.push(`LF:${sorted.length}`, `LH:${sorted.filter(([, hits]) => hits > 0).length}`, 'end_of_record');
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}
