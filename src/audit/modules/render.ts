// The composed policy as the one file kube-apiserver is given (`auditspec
// build`, and what end-to-end backends mount for a module directory). Written
// from the loaded rules, not by pasting module text: what kube-apiserver reads
// is then exactly what each module loaded as (fields lenient decoding dropped
// stay dropped, duplicate keys resolved), and the output is the same bytes for
// the same modules on every machine. Each rule is preceded by a comment naming
// its module file:line, so a reader of the built file finds where to edit.
//
// Every string is written double-quoted with JSON escapes, which YAML reads
// the same way, so no value (`"*"`, `yes`, `on`, `null`, `0x1`) can change type
// or meaning on the way through.
import { basename } from 'node:path';
import type { GroupResources, Policy, PolicyRule } from '../types.js';
import { moduleOfRule } from './compose.js';

/**
 * JSON's double-quoted string, with the rest of the BMP beyond ASCII escaped
 * too (YAML and JSON agree on \uXXXX). Characters beyond the BMP stay as
 * UTF-8: go-yaml refuses a surrogate written as an escape.
 */
function quoted(value: string): string {
  return JSON.stringify(value).replace(/[\u007f-\ud7ff\ue000-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const list = (values: readonly string[]) => `[${values.map(quoted).join(', ')}]`;

function groupResourcesText(gr: GroupResources): string {
  const fields = [`"group": ${quoted(gr.group)}`];
  if (gr.resources.length > 0) fields.push(`"resources": ${list(gr.resources)}`);
  if (gr.resourceNames.length > 0) fields.push(`"resourceNames": ${list(gr.resourceNames)}`);
  return `{${fields.join(', ')}}`;
}

/** One rule as a block mapping item; empty lists are left out (they mean the same as absent: match all). */
function ruleText(rule: PolicyRule): string[] {
  const lines = [`  - level: ${quoted(rule.level)}`];
  const add = (key: string, value: string) => lines.push(value === '' ? `    ${key}:` : `    ${key}: ${value}`);
  if (rule.users.length > 0) add('users', list(rule.users));
  if (rule.userGroups.length > 0) add('userGroups', list(rule.userGroups));
  if (rule.verbs.length > 0) add('verbs', list(rule.verbs));
  if (rule.resources.length > 0) {
    add('resources', '');
    for (const gr of rule.resources) lines.push(`      - ${groupResourcesText(gr)}`);
  }
  if (rule.namespaces.length > 0) add('namespaces', list(rule.namespaces));
  if (rule.nonResourceURLs.length > 0) add('nonResourceURLs', list(rule.nonResourceURLs));
  if (rule.omitStages.length > 0) add('omitStages', list(rule.omitStages));
  // undefined inherits the policy's setting; false overrides it, so only undefined is left out.
  if (rule.omitManagedFields !== undefined) add('omitManagedFields', String(rule.omitManagedFields));
  return lines;
}

/**
 * The policy file text for a composed (or any loaded) policy. The header names
 * the directory by its own name, not the path it was reached by, so the output
 * does not depend on the working directory.
 */
export function renderPolicy(policy: Policy): string {
  const from = policy.modules ? `the policy modules in ${basename(policy.file)}/` : basename(policy.file);
  const lines = [
    `# Built by \`auditspec build\` from ${from}. Edit the modules, not this file;`,
    '# the comment above each rule names the module file:line it came from.',
    'apiVersion: audit.k8s.io/v1',
    'kind: Policy',
  ];
  if (policy.omitStages.length > 0) lines.push(`omitStages: ${list(policy.omitStages)}`);
  if (policy.omitManagedFields) lines.push('omitManagedFields: true');
  lines.push('rules:');
  policy.rules.forEach((rule, index) => {
    const module = moduleOfRule(policy, index);
    lines.push(`  # ${module ? module.name : basename(rule.pos.file)}:${rule.pos.line}`);
    lines.push(...ruleText(rule));
  });
  return `${lines.join('\n')}\n`;
}
