// The replay report as text for a terminal. JSON output is the report object itself.
import type { Level } from '../audit/types.js';
import { LEVELS } from '../audit/types.js';
import type { ReplayReport, RuleCount } from './report.js';

export function formatBytes(bytes: number): string {
  const abs = Math.abs(bytes);
  if (abs < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

function signed(n: number, format: (n: number) => string = String): string {
  return n > 0 ? `+${format(n)}` : n < 0 ? `-${format(-n)}` : '±0';
}

function percentChange(before: number, after: number): string {
  if (before === 0) return after === 0 ? '' : ' (new)';
  return ` (${signed(Math.round(((after - before) / before) * 1000) / 10)}%)`;
}

/** Left-aligns the first column(s) and right-aligns numeric ones. */
function table(rows: string[][], rightAligned: (column: number) => boolean): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (rightAligned(i) ? cell.padStart(widths[i]) : i === row.length - 1 ? cell : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd(),
  );
}

function ruleLabel(rule: RuleCount): string {
  return rule.index === null ? '(no rule: default None)' : `#${rule.index} ${rule.pos ? `${rule.pos.file}:${rule.pos.line}` : ''}`;
}

export function formatReplayText(report: ReplayReport): string {
  const out: string[] = [];
  const beforeName = report.compareWith === 'recorded' ? 'recorded' : 'baseline';
  const { input } = report;
  out.push(`Replayed ${input.events} events (${input.requests} requests) from ${input.files.length} file(s), ${input.lines} lines`);
  out.push(`  policy:   ${report.policyFile}`);
  out.push(`  compared with: ${report.compareWith === 'recorded' ? 'the levels recorded in the log' : `baseline ${report.baselineFile}`}`);
  if (report.malformed.count > 0) {
    out.push(`  malformed lines: ${report.malformed.count} (skipped)`);
    for (const p of report.malformed.examples) out.push(`    ${p.file}:${p.line}: ${p.reason}`);
  }
  if (input.notEvents > 0) {
    out.push(`  lines that are not audit.k8s.io Events: ${input.notEvents} (skipped)`);
    for (const p of input.notEventExamples) out.push(`    ${p.file}:${p.line}: ${p.reason}`);
  }
  if (report.window.evicted > 0 || report.window.reusedAuditIDs > 0) {
    out.push(
      `  auditID window: ${report.window.capacity} open requests; ${report.window.evicted} closed early (their later events count as new requests), ${report.window.reusedAuditIDs} reused auditIDs`,
    );
  }

  out.push('', 'Requests per rule (policy):');
  const ruleRows = [['rule', 'level', 'requests']];
  for (const rule of report.rules.policy) ruleRows.push([ruleLabel(rule), rule.level, String(rule.requests)]);
  out.push(...table(ruleRows, (i) => i === 2).map((l) => `  ${l}`));
  if (report.rules.baseline) {
    out.push('', 'Requests per rule (baseline):');
    const rows = [['rule', 'level', 'requests']];
    for (const rule of report.rules.baseline) rows.push([ruleLabel(rule), rule.level, String(rule.requests)]);
    out.push(...table(rows, (i) => i === 2).map((l) => `  ${l}`));
  }

  out.push('', 'Requests per level:');
  const levelRows = [['level', beforeName, 'policy', 'change']];
  for (const level of LEVELS) {
    const b = report.levels.before[level];
    const a = report.levels.after[level];
    levelRows.push([level, String(b), String(a), signed(a - b)]);
  }
  out.push(...table(levelRows, (i) => i > 0).map((l) => `  ${l}`));

  out.push('', `Transitions (rows: ${beforeName}, columns: policy):`);
  const matrix = [[`${beforeName} \\ policy`, ...LEVELS]];
  for (const from of LEVELS) matrix.push([from, ...LEVELS.map((to: Level) => String(report.transitions[from][to]))]);
  out.push(...table(matrix, (i) => i > 0).map((l) => `  ${l}`));

  out.push('', `Changed requests: ${report.changedRequests}`);
  if (report.changedClasses.length > 0) {
    out.push('Top changed request classes:');
    for (const c of report.changedClasses) {
      out.push(`  ${String(c.requests).padStart(7)}  ${c.from} → ${c.to}  ${c.label}`);
      for (const e of c.examples) out.push(`             e.g. ${e.requestURI} (auditID ${e.auditID}, ${e.file}:${e.line})`);
    }
  }
  if (report.untrackedChangedRequests > 0) {
    out.push(`  (${report.untrackedChangedRequests} changed requests of further classes were counted but not itemised)`);
  }

  out.push('', 'Estimated log volume per stage:');
  const volumeRows = [['stage', `events ${beforeName}`, 'events policy', 'change', `bytes ${beforeName}`, 'bytes policy', 'change']];
  const volumeRow = (name: string, v: { before: { events: number; bytes: number }; after: { events: number; bytes: number } }) => [
    name,
    String(v.before.events),
    String(v.after.events),
    signed(v.after.events - v.before.events),
    formatBytes(v.before.bytes),
    formatBytes(v.after.bytes),
    signed(v.after.bytes - v.before.bytes, formatBytes) + percentChange(v.before.bytes, v.after.bytes),
  ];
  for (const s of report.volume.stages) volumeRows.push(volumeRow(s.stage, s));
  volumeRows.push(volumeRow('total', report.volume.total));
  out.push(...table(volumeRows, (i) => i > 0).map((l) => `  ${l}`));
  out.push('How the sizes were estimated:');
  for (const note of report.volume.notes) out.push(`  - ${note}`);
  return `${out.join('\n')}\n`;
}
