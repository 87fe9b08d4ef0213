// Renders a decision or an explanation: for a terminal, a failure message, or
// as the JSON documents `eval` and `explain --format json` print.
import pc from 'picocolors';
import type { PolicyRule } from '../audit/types.js';
import type { AuditDecision } from '../audit/policy/checker.js';
import type { Explanation } from '../audit/policy/explain.js';
import { formatPosition } from '../audit/policy/sourceMap.js';
import type { RequestAttributes } from '../request/types.js';

export interface FormatOptions {
  color?: boolean;
}

const identity = (s: string): string => s;

function palette(color: boolean) {
  return color
    ? { ok: pc.green, bad: pc.red, dim: pc.dim, bold: pc.bold, hint: pc.yellow }
    : { ok: identity, bad: identity, dim: identity, bold: identity, hint: identity };
}

export function formatRuleLocation(rule: PolicyRule | null): string {
  if (rule === null) return 'default';
  return formatPosition(rule.pos, { column: false });
}

/** One decision as `eval` prints it, one JSON line per request. */
export function decisionJson(decision: AuditDecision) {
  return {
    level: decision.level,
    rule: decision.ruleIndex,
    omitStages: decision.omitStages,
    omitManagedFields: decision.omitManagedFields,
    stages: decision.stages,
    ruleLocation: decision.rule ? formatRuleLocation(decision.rule) : null,
  };
}

/** `explain --format json`: the request, the decision and the rule trace. */
export function explanationJson(request: RequestAttributes, explanation: Explanation) {
  const trace = explanation.trace.map((entry) => ({
    rule: entry.index,
    location: formatRuleLocation(entry.rule),
    level: entry.rule.level,
    matched: entry.matched,
    failed: entry.failed ?? null,
    hints: entry.hints,
  }));
  return { request, decision: decisionJson(explanation.decision), trace };
}

/** One line describing the outcome, e.g. `Metadata, omitting RequestReceived (rule 3 at policy.yaml:40)`. */
export function formatDecision(decision: AuditDecision): string {
  const omit = decision.omitStages.length > 0 ? `, omitting ${decision.omitStages.join(', ')}` : '';
  const by =
    decision.ruleIndex === null
      ? 'no rule matched: the default'
      : `rule ${decision.ruleIndex} at ${formatRuleLocation(decision.rule)}`;
  return `${decision.level}${omit} (${by})`;
}

export function formatAttributes(attrs: RequestAttributes): string {
  const who = attrs.user === null ? '<failed authentication>' : `${attrs.user.name} [${attrs.user.groups.join(', ')}]`;
  if (!attrs.resourceRequest) return `${who} ${attrs.verb} ${attrs.path}`;
  const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  const group = attrs.apiGroup === '' ? 'core' : attrs.apiGroup;
  const where = attrs.namespace ? ` in namespace ${attrs.namespace}` : '';
  const name = attrs.name ? ` ${JSON.stringify(attrs.name)}` : '';
  return `${who} ${attrs.verb} ${resource}${name} (${group}/${attrs.apiVersion || '?'})${where}`;
}

/** The rule trace: one line per rule up to the deciding one, with hints indented below. */
export function formatExplanation(explanation: Explanation, options: FormatOptions = {}): string {
  const c = palette(options.color ?? false);
  const lines: string[] = [];
  for (const entry of explanation.trace) {
    const mark = entry.matched ? c.ok('✓') : c.bad('✗');
    const where = c.dim(formatRuleLocation(entry.rule));
    const why = entry.matched ? c.ok('matches') : entry.failed ? `${entry.failed.condition}: ${entry.failed.reason}` : '';
    lines.push(`  ${mark} rule ${entry.index} ${c.bold(entry.rule.level)} ${where}  ${why}`);
    for (const hint of entry.hints) lines.push(`      ${c.hint('hint:')} ${hint}`);
  }
  if (explanation.decision.ruleIndex === null) {
    lines.push(`  → ${c.bold('None')}: no rule matched, kube-apiserver's default level`);
  }
  return lines.join('\n');
}
