// The coverage table printed at the end of a run.
import { formatPosition } from '../audit/policy/sourceMap.js';
import type { CoverageSummary } from './model.js';

export interface CoverageTableOptions {
  /** Wraps "not reached" marks, e.g. in red. */
  highlight?: (text: string) => string;
}

function modes(byMode: Record<string, number>): string {
  const entries = Object.entries(byMode).filter(([, n]) => n > 0);
  if (entries.length <= 1 && (entries.length === 0 || entries[0][0] === 'offline')) return '';
  return entries
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([mode, n]) => `${mode} ${n}`)
    .join(', ');
}

export function formatCoverageTable(summary: CoverageSummary, options: CoverageTableOptions = {}): string {
  const highlight = options.highlight ?? ((s: string) => s);
  const out: string[] = ['', 'Audit policy rule coverage'];
  for (const policy of summary.policies) {
    out.push('', `${policy.displayPath}: ${policy.coveredRules}/${policy.rules.length} rules reached (${policy.percent.toFixed(1)}%)`);
    if (policy.error) {
      out.push(`  ${policy.error}`);
      continue;
    }
    const rows: string[][] = [['rule', 'location', 'level', 'hits', '']];
    for (const rule of policy.rules) {
      const where = formatPosition(rule.pos, { file: policy.displayPath, column: false });
      const note = rule.hits === 0 ? 'not reached' : modes(rule.hitsByMode);
      rows.push([`#${rule.index}`, where, rule.level, String(rule.hits), note]);
    }
    rows.push(['-', '(no rule matched: default None)', 'None', String(policy.defaultHits), modes(policy.defaultHitsByMode)]);
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    for (const row of rows) {
      const cells = row.map((cell, i) => (i === 3 ? cell.padStart(widths[i]) : i === row.length - 1 ? cell : cell.padEnd(widths[i])));
      let line = `  ${cells.join('  ')}`.trimEnd();
      if (row[4] === 'not reached') line = highlight(line);
      out.push(line);
    }
  }
  out.push('', `All policies: ${summary.coveredRules}/${summary.totalRules} rules reached (${summary.percent.toFixed(1)}%)`, '');
  return out.join('\n');
}
