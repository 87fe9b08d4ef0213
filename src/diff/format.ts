// A policy diff for people (terminal text, a pull-request comment in Markdown)
// and for programs (JSON). Changes with the same outcome pair are grouped for
// reading; each class keeps its own example and rules.
import pc from 'picocolors';
import type { DecisionSide, OutcomeField, PolicyChange, PolicyDiff } from './diffPolicies.js';
import { describeTransition } from './diffPolicies.js';

/** Changes whose old and new outcomes are written the same, in first-seen order. */
export interface TransitionGroup {
  /** E.g. "level Metadata → RequestResponse". */
  title: string;
  changes: PolicyChange[];
}

/** What kube-apiserver writes for one side: the fields that show at its level. */
function writtenKey(side: DecisionSide): string {
  if (side.level === 'None') return 'None';
  const bodies = side.level === 'Request' || side.level === 'RequestResponse';
  return `${side.level}|${side.omitStages.join(',')}|${bodies ? side.omitManagedFields : ''}`;
}

export function groupByTransition(diff: PolicyDiff): TransitionGroup[] {
  const groups = new Map<string, TransitionGroup>();
  for (const change of diff.changes) {
    const key = `${writtenKey(change.old)} => ${writtenKey(change.new)}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = { title: describeTransition(change.old, change.new, change.changed), changes: [] };
      groups.set(key, group);
    }
    group.changes.push(change);
  }
  return [...groups.values()];
}

/** A side's outcome, showing the fields that changed beyond the level. */
function outcomeText(side: DecisionSide, changed: readonly OutcomeField[]): string {
  const parts: string[] = [side.level];
  if (changed.includes('omitStages')) parts.push(`omitStages [${side.omitStages.join(', ')}]`);
  if (changed.includes('omitManagedFields')) parts.push(`omitManagedFields ${side.omitManagedFields}`);
  return parts.join(', ');
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 'es'}`;

/** "10-noise.yaml (2 classes), 20-secrets.yaml (1 class)": the module files involved, old side's first. */
function modulesText(diff: PolicyDiff): string {
  return (diff.modules ?? []).map((m) => `${m.file} (${plural(m.classes, 'class')})`).join(', ');
}

/** The JSON line that makes `auditspec eval` reproduce the change. */
export function exampleLine(change: PolicyChange): unknown {
  return change.http ?? change.attributes;
}

/** Parts of a class listed in terminal output; JSON has them all. */
const TEXT_PARTS = 3;

export function formatDiffText(diff: PolicyDiff): string {
  const title = `${diff.oldFile} → ${diff.newFile}`;
  if (diff.changes.length === 0) {
    return `${pc.green('equivalent')}: ${title}\nEvery request is audited the same way (level, omitted stages, managed fields).\n`;
  }
  const lines = [`${pc.bold(title)}: ${pc.red(`${plural(diff.classesChanged, 'class')} of requests audited differently`)}`];
  if (diff.modules) lines.push(`modules whose rules decide them: ${modulesText(diff)}`);
  let n = 0;
  for (const group of groupByTransition(diff)) {
    lines.push('', `${pc.bold(group.title)} (${plural(group.changes.length, 'class')})`);
    for (const change of group.changes) {
      n++;
      lines.push(`  ${n}. ${change.label}`);
      lines.push(`     old: ${outcomeText(change.old, change.changed)} (${change.old.rule})`);
      lines.push(`     new: ${outcomeText(change.new, change.changed)} (${change.new.rule})`);
      const shown = change.parts.slice(0, TEXT_PARTS);
      shown.forEach((part, i) => lines.push(pc.dim(`     ${i === 0 ? 'where:' : '   or:'} ${part.join('; ') || 'every request'}`)));
      if (change.parts.length > shown.length) lines.push(pc.dim(`        (and ${change.parts.length - shown.length} more parts)`));
      lines.push(pc.dim(`     eval: ${JSON.stringify(exampleLine(change))}`));
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Escapes text for a Markdown table cell inside backticks or plain. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function code(text: string): string {
  // A backtick inside inline code needs a longer fence.
  return text.includes('`') ? `\`\` ${cell(text)} \`\`` : `\`${cell(text)}\``;
}

const MARKDOWN_PARTS = 5;

export function formatDiffMarkdown(diff: PolicyDiff): string {
  const title = `### Audit policy diff: ${code(diff.oldFile)} → ${code(diff.newFile)}`;
  if (diff.changes.length === 0) {
    return `${title}\n\n✅ **Equivalent**: every request is audited the same way (level, omitted stages, managed fields).\n`;
  }
  const lines = [title, '', `⚠️ **${plural(diff.classesChanged, 'class')} of requests audited differently.**`, ''];
  if (diff.modules) lines.push(`Modules whose rules decide them: ${diff.modules.map((m) => `${code(m.file)} (${plural(m.classes, 'class')})`).join(', ')}`, '');
  lines.push('| # | Example request | Old | New | Old rule | New rule |', '|---|---|---|---|---|---|');
  let n = 0;
  for (const group of groupByTransition(diff)) {
    for (const change of group.changes) {
      n++;
      lines.push(
        `| ${n} | ${code(change.label)} | ${cell(outcomeText(change.old, change.changed))} | ${cell(outcomeText(change.new, change.changed))} | ${code(change.old.rule)} | ${code(change.new.rule)} |`,
      );
    }
  }
  lines.push('', '<details><summary>Where each class lies, and requests to check with <code>auditspec eval</code></summary>', '');
  n = 0;
  for (const group of groupByTransition(diff)) {
    for (const change of group.changes) {
      n++;
      const shown = change.parts.slice(0, MARKDOWN_PARTS).map((part) => part.join('; ') || 'every request');
      const more = change.parts.length > shown.length ? `; and ${change.parts.length - shown.length} more parts` : '';
      lines.push(`${n}. ${cell(shown.join(' — or — '))}${more}`);
    }
  }
  lines.push('', '```jsonl', ...diff.changes.map((change) => JSON.stringify(exampleLine(change))), '```', '', '</details>');
  return `${lines.join('\n')}\n`;
}

export function diffToJson(diff: PolicyDiff): unknown {
  return {
    old: diff.oldFile,
    new: diff.newFile,
    equivalent: diff.changes.length === 0,
    classesChanged: diff.classesChanged,
    changes: diff.changes.map((change) => ({
      example: exampleLine(change),
      attributes: change.attributes,
      reachable: change.http !== null,
      old: { level: change.old.level, omitStages: change.old.omitStages, omitManagedFields: change.old.omitManagedFields, rule: change.old.rule, ruleIndex: change.old.ruleIndex },
      new: { level: change.new.level, omitStages: change.new.omitStages, omitManagedFields: change.new.omitManagedFields, rule: change.new.rule, ruleIndex: change.new.ruleIndex },
      changed: change.changed,
      description: change.description,
      scope: change.scope,
      parts: change.parts,
    })),
    ...(diff.modules ? { modules: diff.modules } : {}),
    transitions: groupByTransition(diff).map((group) => ({ transition: group.title, classes: group.changes.length })),
  };
}
