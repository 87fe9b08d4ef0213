// What kube-apiserver silently forgives in a policy file, said out loud.
//
// Upstream decodes strictly first; unknown fields and repeated keys only make
// it log "Audit policy contains errors, falling back to lenient decoding" and
// decode again, ignoring the unknown keys and keeping the last of repeated
// ones. That is how a policy quietly means something else than it says: a
// `verbs:` indented under a resources entry is not the rule's verbs, so the
// rule matches every verb. Each such problem becomes a PolicyWarning at the
// key's position, saying what upstream does with it and what that means for
// matching.

import type { GoStructType } from '../../go/json/types.js';
import type { NullListItem, StrictIssue } from '../../go/json/decode.js';
import type { DuplicateYamlKey } from '../../go/yaml/toJson.js';
import type { JsonNode, Loc } from '../../go/json/tree.js';
import type { GroupResources, Policy, PolicyRule, PolicyWarning, SourcePosition } from '../types.js';
import { V1_GROUP_RESOURCES, V1_POLICY, V1_POLICY_RULE } from './apiTypes.js';

const POLICY_FIELDS = V1_POLICY.fields.map((f) => f.json);
const RULE_FIELDS = V1_POLICY_RULE.fields.map((f) => f.json);
const RESOURCE_FIELDS = V1_GROUP_RESOURCES.fields.map((f) => f.json);

function at(file: string, loc: Loc): SourcePosition {
  return { file, line: loc.line, col: loc.col };
}

function describeValue(node: JsonNode): string {
  switch (node.kind) {
    case 'string':
      return JSON.stringify(node.value);
    case 'number':
      return node.text;
    case 'bool':
      return String(node.value);
    case 'null':
      return 'null';
    case 'array':
      return node.items.length === 0 ? '[]' : `a list of ${node.items.length}`;
    case 'object':
      return 'a mapping';
  }
}

/** Edit distance, to suggest the field a typo meant. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

function closest(key: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(key.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  const limit = key.length <= 4 ? 1 : 2;
  return bestDistance <= limit ? best : undefined;
}

interface Owner {
  kind: 'policy' | 'rule' | 'resource' | 'other';
  rule?: PolicyRule;
  ruleIndex?: number;
  resource?: GroupResources;
}

/** Finds the policy object a strict-error path points into ("rules[3].resources[0].verbs"). */
function ownerOf(path: string, struct: GoStructType | undefined, policy: Policy | undefined): Owner {
  const m = /^rules\[(\d+)\](?:\.resources\[(\d+)\])?\.[^.[]+$/.exec(path);
  if (struct === V1_POLICY) return { kind: 'policy' };
  if (m && policy) {
    const ruleIndex = Number(m[1]);
    const rule = policy.rules[ruleIndex];
    if (struct === V1_POLICY_RULE) return { kind: 'rule', rule, ruleIndex };
    if (struct === V1_GROUP_RESOURCES && m[2] !== undefined) {
      return { kind: 'resource', rule, ruleIndex, resource: rule?.resources[Number(m[2])] };
    }
  }
  return { kind: 'other' };
}

function list(values: readonly string[]): string {
  return values.map((v) => JSON.stringify(v)).join(', ');
}

/** What it means for matching that the rule has no `field` of its own (or what it has instead). */
function ruleConsequence(field: string, rule: PolicyRule | undefined): string {
  if (!rule) return '';
  const own = (values: readonly string[]) => ` The rule's own ${field} (${list(values)}) apply.`;
  switch (field) {
    case 'level':
      return rule.level ? ` The rule's own level (${JSON.stringify(rule.level)}) applies.` : ' The rule has no level, which kube-apiserver rejects.';
    case 'users':
      return rule.users.length ? own(rule.users) : ' The rule has no users, so it matches every user.';
    case 'userGroups':
      return rule.userGroups.length ? own(rule.userGroups) : ' The rule has no userGroups, so it matches every user group.';
    case 'verbs':
      return rule.verbs.length ? own(rule.verbs) : ' The rule has no verbs, so it matches every verb.';
    case 'namespaces':
      return rule.namespaces.length ? own(rule.namespaces) : ' The rule has no namespaces, so it matches every namespace.';
    case 'nonResourceURLs':
      return rule.nonResourceURLs.length ? own(rule.nonResourceURLs) : ' The rule has no nonResourceURLs, so it is not limited to non-resource URLs.';
    case 'resources':
      if (rule.resources.length) return " The rule's own resources apply.";
      if (rule.nonResourceURLs.length) return ' The rule has no resources.';
      return rule.namespaces.length
        ? ' The rule has no resources, so it matches every resource in every API group within its namespaces.'
        : ' The rule has no resources (and no namespaces or nonResourceURLs), so it matches every resource in every API group and every non-resource URL.';
    case 'omitStages':
      return rule.omitStages.length ? own(rule.omitStages) : ' The rule omits no stages of its own.';
    case 'omitManagedFields':
      return rule.omitManagedFields === undefined
        ? " The rule inherits the policy's omitManagedFields."
        : ` The rule's own omitManagedFields (${rule.omitManagedFields}) applies.`;
  }
  return '';
}

function groupName(group: string): string {
  return group === '' ? 'the core API group' : group === '*' ? 'every API group' : `API group ${JSON.stringify(group)}`;
}

function resourceConsequence(field: string, resource: GroupResources | undefined): string {
  if (!resource) return '';
  switch (field) {
    case 'group':
      return resource.group !== '' ? '' : ' The entry has no group, so it is for the core API group ("").';
    case 'resources':
      return resource.resources.length
        ? ` The entry's own resources (${list(resource.resources)}) apply.`
        : ` The entry has no resources, so it matches every resource in ${groupName(resource.group)}.`;
    case 'resourceNames':
      return resource.resourceNames.length ? '' : ' The entry has no resourceNames, so it matches every object by name.';
  }
  return '';
}

function policyConsequence(field: string, policy: Policy | undefined): string {
  if (!policy) return '';
  switch (field) {
    case 'rules':
      return policy.rules.length ? '' : ' The policy has no rules, which kube-apiserver rejects.';
    case 'omitStages':
      return policy.omitStages.length ? '' : ' No stages are omitted policy-wide.';
    case 'omitManagedFields':
      return ' Managed fields are kept unless a rule says otherwise.';
  }
  return '';
}

function unknownFieldWarning(issue: StrictIssue, policy: Policy | undefined, file: string): PolicyWarning {
  const owner = ownerOf(issue.path, issue.struct, policy);
  const key = issue.key;
  const pos = at(file, issue.loc);
  const where =
    owner.kind === 'rule'
      ? `rule ${owner.ruleIndex}`
      : owner.kind === 'resource'
        ? `a resources entry of rule ${owner.ruleIndex}`
        : owner.kind === 'policy'
          ? 'the policy'
          : `${issue.struct ? issue.struct.name : 'this mapping'}`;
  const fields = owner.kind === 'rule' ? RULE_FIELDS : owner.kind === 'resource' ? RESOURCE_FIELDS : owner.kind === 'policy' ? POLICY_FIELDS : (issue.struct?.fields.map((f) => f.json) ?? []);
  const ignored = `kube-apiserver ignores it (its strict decoding reports unknown field ${JSON.stringify(issue.path)} and it falls back to lenient decoding).`;
  const consequence = (field: string): string =>
    owner.kind === 'rule'
      ? ruleConsequence(field, owner.rule)
      : owner.kind === 'resource'
        ? resourceConsequence(field, owner.resource)
        : owner.kind === 'policy'
          ? policyConsequence(field, policy)
          : '';

  // Mis-cased: kube-apiserver's field names are case-sensitive.
  const sameLetters = fields.find((f) => f.toLowerCase() === key.toLowerCase());
  if (sameLetters) {
    let message = `"${key}" is not a field of ${where}: field names are case-sensitive (did you mean "${sameLetters}"?), so ${ignored}${consequence(sameLetters)}`;
    if (owner.kind === 'policy' && (sameLetters === 'apiVersion' || sameLetters === 'kind')) {
      message = `"${key}" is not a field of the policy: field names are case-sensitive (did you mean "${sameLetters}"?). kube-apiserver still reads the ${sameLetters} from it, because it looks for apiVersion and kind ignoring case, but its strict decoding reports unknown field ${JSON.stringify(issue.path)} and it falls back to lenient decoding.`;
    }
    return { pos, code: 'case-mismatch', message };
  }

  // A field of the neighbouring level: usually mis-indentation.
  if (owner.kind === 'resource' && RULE_FIELDS.includes(key)) {
    return {
      pos,
      code: 'misplaced-field',
      message: `"${key}" is a field of the rule, not of a resources entry (mis-indented?), so ${ignored}${ruleConsequence(key, owner.rule)}`,
    };
  }
  if (owner.kind === 'rule' && RESOURCE_FIELDS.includes(key) && key !== 'resources') {
    return {
      pos,
      code: 'misplaced-field',
      message: `"${key}" is a field of a resources entry, not of the rule (it belongs under "resources:"), so ${ignored}`,
    };
  }
  if (owner.kind === 'policy' && RULE_FIELDS.includes(key)) {
    return {
      pos,
      code: 'misplaced-field',
      message: `"${key}" is a field of a rule, not of the policy (it belongs in an item under "rules:"), so ${ignored}`,
    };
  }

  const guess = closest(key, fields);
  if (guess) {
    return {
      pos,
      code: 'unknown-field',
      message: `"${key}" is not a field of ${where} (did you mean "${guess}"?), so ${ignored}${consequence(guess)}`,
    };
  }
  return {
    pos,
    code: 'unknown-field',
    message: `"${key}" (${describeValue(issue.value)}) is not a field of ${where}, so ${ignored} It has no effect on matching.`,
  };
}

function duplicateFieldWarning(issue: StrictIssue, file: string): PolicyWarning {
  const first = issue.firstLoc ? ` (first at line ${issue.firstLoc.line}, column ${issue.firstLoc.col})` : '';
  const merge =
    issue.value.kind === 'object' || (issue.value.kind === 'array' && issue.value.items.some((i) => i.kind === 'object'))
      ? ' decodes this value over the earlier one (objects, and objects in lists item by item, are merged field by field)'
      : ' keeps this last value and ignores the earlier one';
  return {
    pos: at(file, issue.loc),
    code: 'duplicate-key',
    message: `"${issue.key}" is set more than once in the same object${first}: kube-apiserver${merge} (its strict decoding reports duplicate field ${JSON.stringify(issue.path)}).`,
  };
}

function duplicateYamlKeyWarning(dup: DuplicateYamlKey, file: string): PolicyWarning {
  const first = `line ${dup.firstLoc.line}, column ${dup.firstLoc.col}`;
  const message = dup.ambiguous
    ? `This key and the one at ${first} both become the JSON key "${dup.key}"; which of the two kube-apiserver keeps is not deterministic (Go map order).`
    : `"${dup.key}" is set more than once in the same mapping (first at ${first}): kube-apiserver keeps this last value and ignores the earlier one (its strict decoding reports key ${JSON.stringify(dup.key)} already set in map).`;
  return { pos: at(file, dup.loc), code: 'duplicate-key', message };
}

/** What an empty string means in the list a null turned into one. */
const EMPTY_STRING_MEANS: Record<string, string> = {
  users: 'it matches only a user whose name is empty',
  userGroups: 'it matches only a group with an empty name',
  verbs: 'no request has an empty verb',
  namespaces: 'in namespaces, "" matches requests for cluster-scoped resources',
  resources: 'no resource is named ""',
  resourceNames: 'no object is named ""',
  nonResourceURLs: 'an empty URL is also refused by validation',
  omitStages: '"" is not a stage and is refused by validation',
};

function nullItemWarning(item: NullListItem, file: string): PolicyWarning {
  const field = /\.?([A-Za-z]+)\[\d+\]$/.exec(item.path)?.[1] ?? '';
  const meaning = EMPTY_STRING_MEANS[field];
  return {
    pos: at(file, item.loc),
    code: 'null-item',
    message: `This null list item (${item.path}) is decoded by kube-apiserver as the empty string "", not dropped${meaning ? `: ${meaning}` : ''}. Write "" if that is meant, or remove the item.`,
  };
}

export interface WarningInputs {
  strict: readonly StrictIssue[];
  nullItems: readonly NullListItem[];
  duplicateYamlKeys: readonly DuplicateYamlKey[];
  ignoredDocument?: Loc;
  /** False when the file decoded into the internal type (no apiVersion): field-level advice would mislead. */
  v1: boolean;
}

/** PolicyWarnings for everything upstream's lenient decoding forgives, in source order. */
export function policyWarnings(inputs: WarningInputs, policy: Policy | undefined, file: string): PolicyWarning[] {
  const warnings: PolicyWarning[] = [];
  for (const dup of inputs.duplicateYamlKeys) warnings.push(duplicateYamlKeyWarning(dup, file));
  if (inputs.v1) {
    for (const item of inputs.nullItems) warnings.push(nullItemWarning(item, file));
    for (const issue of inputs.strict) {
      warnings.push(issue.type === 'unknown field' ? unknownFieldWarning(issue, policy, file) : duplicateFieldWarning(issue, file));
    }
  }
  if (inputs.ignoredDocument) {
    warnings.push({
      pos: at(file, inputs.ignoredDocument),
      code: 'ignored-document',
      message: 'kube-apiserver reads only the first YAML document of a policy file; this document and any after it are ignored.',
    });
  }
  warnings.sort((a, b) => a.pos.line - b.pos.line || a.pos.col - b.pos.col);
  return warnings;
}
