// A single self-contained HTML page (no scripts, no external resources) showing
// each policy's source with every rule's lines coloured by whether a spec reached
// it and the rule's hit count in the margin.
import type { CoverageSummary, PolicyCoverage, RuleCoverage } from './model.js';
import { sourceLines } from './ruleLines.js';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

const STYLE = `
:root { color-scheme: light; --hit: #e6f4ea; --hit-edge: #34a853; --miss: #fce8e6; --miss-edge: #d93025; --muted: #5f6368; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px; color: #202124; }
h1 { font-size: 20px; margin: 0 0 12px; }
h2 { font-size: 16px; margin: 28px 0 8px; }
table.summary { border-collapse: collapse; margin-bottom: 8px; }
table.summary th, table.summary td { padding: 4px 12px; border-bottom: 1px solid #dadce0; text-align: left; }
table.summary td.num { text-align: right; font-variant-numeric: tabular-nums; }
.bar { display: inline-block; width: 120px; height: 10px; background: var(--miss); border-radius: 5px; overflow: hidden; vertical-align: middle; }
.bar > span { display: block; height: 100%; background: var(--hit-edge); }
table.source { border-collapse: collapse; width: 100%; font: 13px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
table.source td { padding: 0 8px; vertical-align: top; white-space: pre; }
td.ln { color: var(--muted); text-align: right; user-select: none; width: 1%; }
td.count { text-align: right; width: 1%; font-weight: 600; }
tr.hit td.code { background: var(--hit); border-left: 3px solid var(--hit-edge); }
tr.miss td.code { background: var(--miss); border-left: 3px solid var(--miss-edge); }
tr.plain td.code { border-left: 3px solid transparent; }
tr.hit td.count { color: #137333; }
tr.miss td.count { color: var(--miss-edge); }
p.default, p.error { color: var(--muted); }
`;

function ruleTitle(rule: RuleCoverage): string {
  const modes = Object.entries(rule.hitsByMode)
    .map(([mode, n]) => `${mode}: ${n}`)
    .join(', ');
  return `rule #${rule.index} (${rule.level}), lines ${rule.lines.start}–${rule.lines.end}${modes ? `; ${modes}` : ''}`;
}

function policySection(policy: PolicyCoverage, index: number): string {
  const head = `<section class="policy" id="policy-${index}" data-file="${escapeHtml(policy.displayPath)}">
<h2>${escapeHtml(policy.displayPath)} — <span class="reached" data-covered="${policy.coveredRules}" data-total="${policy.rules.length}">${policy.coveredRules}/${policy.rules.length} rules reached</span> (${policy.percent.toFixed(1)}%)</h2>`;
  if (policy.error || policy.source === undefined) {
    return `${head}\n<p class="error">${escapeHtml(policy.error ?? 'source unavailable')}</p>\n</section>`;
  }
  const ruleAt = new Map<number, RuleCoverage>();
  for (const rule of policy.rules) for (let l = rule.lines.start; l <= rule.lines.end; l++) ruleAt.set(l, rule);
  const rows = sourceLines(policy.source).map((text, i) => {
    const line = i + 1;
    const rule = ruleAt.get(line);
    if (rule === undefined) {
      return `<tr class="plain" data-line="${line}"><td class="ln">${line}</td><td class="count"></td><td class="code">${escapeHtml(text)}</td></tr>`;
    }
    const state = rule.hits > 0 ? 'hit' : 'miss';
    const count =
      line === rule.lines.start
        ? `<span class="hits" data-rule="${rule.index}" data-hits="${rule.hits}" title="${escapeHtml(ruleTitle(rule))}">${rule.hits > 0 ? `${rule.hits}×` : 'not reached'}</span>`
        : '';
    return `<tr class="${state}" data-line="${line}" data-rule="${rule.index}"><td class="ln">${line}</td><td class="count">${count}</td><td class="code">${escapeHtml(text)}</td></tr>`;
  });
  // A trailing newline makes split() yield one empty last line; drop it.
  if (/[\r\n]$/.test(policy.source)) rows.pop();
  return `${head}
<table class="source"><tbody>
${rows.join('\n')}
</tbody></table>
<p class="default">Requests no rule matched (default level None): <span class="default-hits" data-hits="${policy.defaultHits}">${policy.defaultHits}</span></p>
</section>`;
}

export function formatCoverageHtml(summary: CoverageSummary, title = 'Audit policy rule coverage'): string {
  const summaryRows = summary.policies
    .map(
      (p, i) =>
        `<tr><td><a href="#policy-${i}">${escapeHtml(p.displayPath)}</a></td><td class="num">${p.coveredRules}/${p.rules.length}</td><td class="num">${p.percent.toFixed(1)}%</td><td><span class="bar"><span style="width:${p.percent.toFixed(1)}%"></span></span></td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p id="total" data-covered="${summary.coveredRules}" data-total="${summary.totalRules}">${summary.coveredRules} of ${summary.totalRules} rules reached by specs (${summary.percent.toFixed(1)}%).</p>
<table class="summary"><thead><tr><th>Policy</th><th>Rules reached</th><th>%</th><th></th></tr></thead><tbody>
${summaryRows}
</tbody></table>
${summary.policies.map(policySection).join('\n')}
</body>
</html>
`;
}
