// Generates audit policy files: mostly valid ones built from every construct
// kube-apiserver's matcher knows (each wildcard form, literal "*" and "" values,
// resourceNames, omitStages and omitManagedFields at both levels, group "*"),
// and, less often, every way a file can be wrong or merely sloppy (unknown or
// mis-cased fields, duplicate keys, bad values, missing apiVersion/kind, YAML
// that is not what it seems). Nothing here decides what is valid: the oracle does.

import { alias, lit, map, renderJson, renderYaml, seq, str, type DocNode, type StringStyle } from './document.js';
import { Random } from './random.js';
import * as V from './vocabulary.js';

/** What a policy mentions, so requests can be aimed at its rules. */
export interface Mentions {
  users: string[];
  groups: string[];
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  subresources: string[];
  namespaces: string[];
  names: string[];
  nonResourceURLs: string[];
}

export interface GeneratedPolicy {
  text: string;
  format: 'yaml' | 'json';
  /** The tree the text was rendered from (absent when the text was then broken on purpose). */
  doc?: DocNode;
  /** Renders a (shrunk) tree the same way, without comments: used to minimise repros. */
  render(doc: DocNode): string;
  /** Tags naming the constructs and defects this file contains (for coverage checks). */
  constructs: string[];
  mentions: Mentions;
}

/** Tunes how often files are broken; the defaults suit a conformance run. */
export interface PolicyGenOptions {
  /** Probability a file gets a deliberate defect somewhere. */
  defectRate?: number;
}

class Builder {
  readonly constructs = new Set<string>();
  readonly mentions: Mentions = {
    users: [],
    groups: [],
    verbs: [],
    apiGroups: [],
    resources: [],
    subresources: [],
    namespaces: [],
    names: [],
    nonResourceURLs: [],
  };

  constructor(
    readonly r: Random,
    /** Whether this file may carry defects, and how often per opportunity. */
    readonly defect: number,
    /** How often per opportunity this file has unknown fields or duplicate keys (which upstream tolerates). */
    readonly sloppiness: number,
  ) {}

  /** Rolls for an unknown field or duplicate key at one opportunity. */
  sloppy(): boolean {
    return this.sloppiness > 0 && this.r.chance(this.sloppiness);
  }

  tag(name: string): void {
    this.constructs.add(name);
  }

  /** Rolls for a defect at one opportunity. */
  flaw(weight = 1): boolean {
    return this.defect > 0 && this.r.chance(this.defect * weight);
  }

  style(): StringStyle | undefined {
    return this.r.weighted<StringStyle | undefined>([
      [80, undefined],
      [10, 'double'],
      [9, 'single'],
      [1, 'plain'],
      [1.5, 'literal'],
      [1, 'folded'],
    ]);
  }

  s(value: string): DocNode {
    const style = this.style();
    if (style === 'plain' && value.includes('*')) this.tag('yaml:plainStar');
    return str(value, style);
  }

  /** A list of strings, sometimes as a flow sequence, sometimes with a YAML 1.1 trap word. */
  list(values: string[]): DocNode {
    const items = values.map((v) => this.s(v));
    if (this.flaw(0.15)) {
      items.splice(this.r.int(items.length + 1), 0, str(this.r.pick(V.YAML11_TRAPS), 'plain'));
      this.tag('yaml:trapWord');
    }
    return seq(items, this.r.chance(0.4));
  }

  /** 1..max distinct-ish picks. */
  some(pool: readonly string[], max: number): string[] {
    return this.r.some(pool, this.r.between(1, max));
  }
}

function tagValues(b: Builder, field: string, values: string[]): void {
  for (const v of values) {
    if (v === '*') b.tag(`${field}:literalStar`);
    if (v === '') b.tag(`${field}:empty`);
  }
}

function levelEntry(b: Builder): [string, DocNode] | null {
  const { r } = b;
  if (b.flaw(0.5)) {
    return r.weighted<[string, DocNode] | null>([
      [4, ['level', b.s(r.pick(V.BAD_LEVELS))]],
      [2, null],
      [1, ['level', lit(r.pick(['1', 'yes', 'null', '~']), r.pick(['1', 'true', 'null']))]],
      [1, ['level', seq([str('None')])]],
    ]);
  }
  return ['level', b.s(r.pick(V.LEVELS))];
}

function stagesNode(b: Builder): DocNode {
  const stages = b.some(V.STAGES, 3);
  if (b.flaw(0.5)) {
    stages.push(b.r.pick(V.BAD_STAGES));
    b.tag('bad:stage');
  }
  return b.list(stages);
}

function groupResources(b: Builder): DocNode {
  const { r } = b;
  const entries: Array<[string, DocNode]> = [];
  let group: string;
  if (b.flaw(0.3)) {
    group = r.pick(V.BAD_API_GROUPS);
    b.tag('bad:group');
  } else {
    group = r.pick(V.API_GROUPS);
  }
  if (group === '*') b.tag('group:star');
  b.mentions.apiGroups.push(group);
  if (group !== '' || r.chance(0.6)) entries.push(['group', b.s(group)]);
  else b.tag('group:omitted');

  const hasResources = r.chance(0.85);
  if (hasResources) {
    const patterns = b.some(r.chance(0.5) ? V.RESOURCE_PATTERNS : V.RESOURCES, 3);
    for (const p of patterns) {
      if (p === '*') b.tag('wildcard:star');
      else if (p === '*/*') b.tag('wildcard:starSlashStar');
      else if (p.startsWith('*/')) b.tag('wildcard:starSub');
      else if (p.endsWith('/*')) b.tag('wildcard:resStar');
      const [res, sub] = p.split('/', 2);
      if (res && res !== '*') b.mentions.resources.push(res);
      if (sub && sub !== '*') b.mentions.subresources.push(sub);
    }
    entries.push(['resources', b.list(patterns)]);
  } else {
    b.tag('groupResources:allResources');
  }
  if ((hasResources && r.chance(0.2)) || (!hasResources && b.flaw(3))) {
    const names = b.some(V.OBJECT_NAMES, 3);
    tagValues(b, 'resourceNames', names);
    b.mentions.names.push(...names);
    entries.push(['resourceNames', b.list(names)]);
    b.tag(hasResources ? 'resourceNames' : 'bad:resourceNamesWithoutResources');
  }
  if (b.sloppy()) {
    entries.push([r.pick(V.UNKNOWN_GROUP_RESOURCE_KEYS), b.s(r.pick(V.RESOURCES))]);
    b.tag('unknownField');
  }
  return map(r.chance(0.1) ? r.shuffle(entries) : entries, r.chance(0.3));
}

const RULE_FIELDS = new Set(['level', 'users', 'usergroups', 'verbs', 'resources', 'namespaces', 'nonresourceurls', 'omitstages', 'omitmanagedfields']);

function rule(b: Builder): DocNode {
  const { r } = b;
  const entries: Array<[string, DocNode]> = [];
  const level = levelEntry(b);
  if (level) entries.push(level);
  if (!level || level[1].kind !== 'string' || !V.LEVELS.includes((level[1] as { value: string }).value)) {
    b.tag('bad:level');
  }

  if (r.chance(0.3)) {
    const users = b.some(V.USERS, 3);
    tagValues(b, 'users', users);
    b.mentions.users.push(...users);
    entries.push(['users', b.list(users)]);
  }
  if (r.chance(0.25)) {
    const groups = b.some(V.GROUPS, 3);
    tagValues(b, 'userGroups', groups);
    b.tag('userGroups');
    b.mentions.groups.push(...groups);
    entries.push(['userGroups', b.list(groups)]);
  }
  if (r.chance(0.35)) {
    const verbs = b.some(V.VERBS, 4);
    tagValues(b, 'verbs', verbs);
    b.mentions.verbs.push(...verbs);
    entries.push(['verbs', b.list(verbs)]);
  }

  const target = r.weighted<'resources' | 'nonResource' | 'namespaces' | 'none' | 'both'>([
    [45, 'resources'],
    [25, 'nonResource'],
    [10, 'namespaces'],
    [20, 'none'],
    [b.defect > 0 ? 4 : 0, 'both'],
  ]);
  if (target === 'resources' || target === 'both') {
    const grs: DocNode[] = [];
    for (let i = r.between(1, 3); i > 0; i--) grs.push(groupResources(b));
    entries.push(['resources', seq(grs, r.chance(0.1))]);
  }
  if ((target === 'resources' && r.chance(0.4)) || target === 'namespaces') {
    const namespaces = b.some(V.NAMESPACES, 3);
    tagValues(b, 'namespaces', namespaces);
    b.mentions.namespaces.push(...namespaces);
    entries.push(['namespaces', b.list(namespaces)]);
  }
  if (target === 'nonResource' || target === 'both') {
    const urls = b.some(V.NON_RESOURCE_URLS, 3);
    if (b.flaw(0.6)) {
      urls.push(r.pick(V.BAD_NON_RESOURCE_URLS));
      b.tag('bad:url');
    }
    for (const u of urls) {
      if (u === '*') b.tag('nonResource:star');
      else if (u.endsWith('*')) b.tag('nonResource:prefix');
    }
    b.mentions.nonResourceURLs.push(...urls);
    entries.push(['nonResourceURLs', b.list(urls)]);
  }
  if (target === 'both') b.tag('bad:urlsAndResources');

  if (r.chance(0.15)) {
    entries.push(['omitStages', stagesNode(b)]);
    b.tag('omitStages:rule');
  }
  if (r.chance(0.15)) {
    entries.push(['omitManagedFields', omitManagedFieldsValue(b)]);
    b.tag('omitManagedFields:rule');
  }
  if (r.chance(0.04)) {
    // An explicit null where a list goes: the same as leaving the field out.
    const lists = entries.filter(([k]) => k !== 'level' && k !== 'omitManagedFields');
    if (lists.length > 0) {
      const [key] = r.pick(lists);
      const i = entries.findIndex(([k]) => k === key);
      entries[i] = [key, r.pick([lit('null'), lit('~', 'null'), lit('', 'null')])];
      b.tag('null:list');
    }
  }
  if (b.sloppy()) {
    // A mis-cased or unknown key next to the real ones.
    const key = r.pick(V.UNKNOWN_RULE_KEYS);
    entries.push([key, b.s(r.pick(V.LEVELS))]);
    b.tag(RULE_FIELDS.has(key.trim().toLowerCase()) ? 'misCasedField' : 'unknownField');
  }
  if (entries.length > 0 && b.sloppy()) {
    // The same key again with another value of the right type: which one wins is the question.
    const [key] = r.pick(entries);
    entries.push([key, freshValue(b, key)]);
    b.tag('duplicateKey');
  }
  if (b.flaw(0.05)) {
    const i = r.int(entries.length || 1);
    if (entries[i]) {
      entries[i] = [entries[i][0], b.s(r.pick(V.USERS))];
      b.tag('bad:wrongType');
    }
  }
  return map(r.chance(0.15) ? r.shuffle(entries) : entries, r.chance(0.05));
}

/** Another well-typed value for a rule field, for duplicate keys. */
function freshValue(b: Builder, key: string): DocNode {
  const { r } = b;
  switch (key) {
    case 'level':
      return b.s(r.pick(V.LEVELS));
    case 'resources':
      return seq([groupResources(b)]);
    case 'omitStages':
      return b.list(b.some(V.STAGES, 2));
    case 'omitManagedFields':
      return lit(r.pick(['true', 'false']));
    case 'users':
      return b.list(b.some(V.USERS, 2));
    case 'userGroups':
      return b.list(b.some(V.GROUPS, 2));
    case 'verbs':
      return b.list(b.some(V.VERBS, 2));
    case 'nonResourceURLs':
      return b.list(b.some(V.NON_RESOURCE_URLS, 2));
    default:
      return b.list(b.some(V.NAMESPACES, 2));
  }
}

function omitManagedFieldsValue(b: Builder): DocNode {
  if (b.r.chance(0.05)) {
    // null is no value: the policy's default stays false, a rule inherits it.
    b.tag('null:omitManagedFields');
    return b.r.pick([lit('null'), lit('~', 'null')]);
  }
  if (b.flaw(0.3)) {
    b.tag('bad:omitManagedFields');
    return b.r.pick([str('true', 'double'), lit('yes', 'true'), lit('1'), str('false', 'single')]);
  }
  return b.r.chance(0.5) ? lit('true') : lit('false');
}

function header(b: Builder, entries: Array<[string, DocNode]>): void {
  const { r } = b;
  if (b.flaw(0.25)) {
    const choice = r.pick([
      'audit.k8s.io/v1beta1',
      'audit.k8s.io/v1alpha1',
      'audit.k8s.io/v2',
      'v1',
      'Audit.k8s.io/v1',
      'audit.k8s.io',
      '',
      null,
    ]);
    if (choice === null) b.tag('missing:apiVersion');
    else {
      b.tag('bad:apiVersion');
      entries.push(['apiVersion', b.s(choice)]);
    }
  } else {
    entries.push(['apiVersion', b.s('audit.k8s.io/v1')]);
  }
  if (b.flaw(0.2)) {
    const choice = r.pick(['policy', 'Pod', 'PolicyList', '', null]);
    if (choice === null) b.tag('missing:kind');
    else {
      b.tag('bad:kind');
      entries.push(['kind', b.s(choice)]);
    }
  } else {
    entries.push(['kind', b.s('Policy')]);
  }
  if (r.chance(0.1)) {
    const meta: Array<[string, DocNode]> = [['name', b.s(r.pick(['default', 'audit-policy', 'x']))]];
    if (b.sloppy()) {
      meta.push(r.pick<[string, DocNode]>([
        ['foo', str('bar')],
        ['creationTimestamp', str('yesterday')],
        ['labels', map([['app', str('audit')]])],
      ]));
      b.tag('metadata:extra');
    }
    entries.push(['metadata', map(meta)]);
  }
}

/** A whole policy file as a document tree. */
function policyDocument(b: Builder): DocNode {
  const { r } = b;
  const entries: Array<[string, DocNode]> = [];
  header(b, entries);
  if (r.chance(0.2)) {
    entries.push(['omitStages', stagesNode(b)]);
    b.tag('omitStages:policy');
  }
  if (r.chance(0.15)) {
    entries.push(['omitManagedFields', omitManagedFieldsValue(b)]);
    b.tag('omitManagedFields:policy');
  }
  const count = b.flaw(0.1)
    ? 0
    : r.weighted<number>([
        [40, r.between(1, 3)],
        [50, r.between(4, 8)],
        [10, r.between(9, 16)],
      ]);
  const rules: DocNode[] = [];
  for (let i = 0; i < count; i++) {
    if (rules.length > 0 && r.chance(0.08)) {
      // The same rule twice: the first copy must decide.
      const original = r.pick(rules);
      if (original.kind === 'map' && r.chance(0.3)) {
        // YAML's own way to repeat: an alias of the anchored rule, or a merge key with a new level.
        original.anchor ??= `rule${i}`;
        if (r.chance(0.5)) {
          rules.push(alias(original.anchor, original));
          b.tag('yaml:alias');
        } else {
          rules.push(map([['<<', alias(original.anchor, original)], ['level', str(r.pick(V.LEVELS))]]));
          b.tag('yaml:merge');
        }
      } else if (original.kind === 'map' && r.chance(0.5)) {
        // Same matching fields, another level: only the index says which copy decided.
        const entries = original.entries.map(([k, v]): [string, DocNode] =>
          k === 'level' ? [k, str(r.pick(V.LEVELS))] : [k, v],
        );
        rules.push(map(entries, original.flow));
      } else {
        rules.push(structuredClone(original));
      }
      b.tag('duplicateRule');
    } else {
      rules.push(rule(b));
    }
  }
  if (count === 0) {
    b.tag('bad:zeroRules');
    const form = r.pick(['empty', 'missing', 'null']);
    if (form === 'empty') entries.push(['rules', seq([])]);
    else if (form === 'null') entries.push(['rules', lit('null')]);
  } else {
    entries.push(['rules', seq(rules)]);
  }
  if (b.sloppy()) {
    entries.push([r.pick(V.UNKNOWN_POLICY_KEYS), b.s('x')]);
    b.tag('unknownField');
  }
  if (b.sloppy()) {
    const [key, value] = r.pick(entries);
    entries.push([key, value]);
    b.tag('duplicateKey');
  }
  return map(r.chance(0.1) ? r.shuffle(entries) : entries);
}

/** Ways a file is not a YAML mapping at all, or not valid YAML. */
function brokenText(b: Builder, yaml: string): string {
  const { r } = b;
  b.tag('bad:syntax');
  return r.pick([
    () => '',
    () => '[]\n',
    () => 'null\n',
    () => 'just a string\n',
    () => yaml.replace(/\n {2}/, '\n\t'),
    () => yaml.replace(/"/, ''),
    () => `${yaml}rules: [\n`,
    () => yaml.replace('\n', '\n  bad indentation: x\n'),
  ])();
}

export function generatePolicy(r: Random, options: PolicyGenOptions = {}): GeneratedPolicy {
  const defectRate = options.defectRate ?? 0.4;
  const b = new Builder(r, r.chance(defectRate) ? 0.08 : 0, r.chance(0.2) ? 0.15 : 0);
  const doc = policyDocument(b);
  const format = r.chance(0.8) ? 'yaml' : 'json';
  b.tag(`format:${format}`);
  const layout = {
    indentSequences: r.chance(0.5),
    documentStart: r.chance(0.1),
    comments: r.chance(0.2),
    quoteKeys: r.chance(0.1),
  };
  const pretty = r.chance(0.5);
  if (format === 'yaml' && doc.kind === 'map' && r.chance(0.02)) {
    // Looks like JSON to kube-apiserver's decoder (it starts with "{"), but is YAML flow style.
    doc.flow = true;
    b.tag('yaml:flowRoot');
  }
  let text = format === 'yaml' ? renderYaml(doc, layout, r) : renderJson(doc, pretty);
  if (format === 'yaml' && r.chance(0.02)) {
    text += r.pick(['---\nkind: Other\n', '---\n', `---\n${text}`, '...\n']);
    b.tag('yaml:multiDocument');
  }
  if (r.chance(0.01)) {
    text = `\ufeff${text}`;
    b.tag('bom');
  }
  const render = (tree: DocNode) =>
    format === 'yaml' ? renderYaml(tree, { ...layout, comments: false }, new Random('render')) : renderJson(tree, pretty);
  let kept: DocNode | undefined = doc;
  if (b.defect > 0 && r.chance(0.03)) {
    text = brokenText(b, text);
    kept = undefined;
  }
  return { text, format, doc: kept, render, constructs: [...b.constructs].sort(), mentions: b.mentions };
}
