// A policy file as a tree that can say what a parsed object cannot: key order,
// duplicate keys, scalar styles, flow vs block. Rendered to YAML or JSON text
// so the loader under test sees exactly what a user could have written.

import type { Random } from './random.js';

export type DocNode =
  | { kind: 'string'; value: string; style?: StringStyle }
  /** A non-string literal, written as-is: numbers, booleans, null, YAML 1.1 words. */
  | { kind: 'literal'; yaml: string; json: string }
  | { kind: 'seq'; items: DocNode[]; flow?: boolean; anchor?: string }
  | { kind: 'map'; entries: Array<[string, DocNode]>; flow?: boolean; anchor?: string }
  /** A YAML alias of an anchored node; JSON has none, so it is written out in full there. */
  | { kind: 'alias'; name: string; target: DocNode };

/**
 * plain is honoured only where the text can be a YAML plain scalar at all;
 * literal/folded (block scalars, "|-" and ">-") only in block context.
 */
export type StringStyle = 'plain' | 'single' | 'double' | 'literal' | 'folded';

export const str = (value: string, style?: StringStyle): DocNode => ({ kind: 'string', value, style });
export const lit = (yaml: string, json = yaml): DocNode => ({ kind: 'literal', yaml, json });
export const seq = (items: DocNode[], flow?: boolean): DocNode => ({ kind: 'seq', items, flow });
export const map = (entries: Array<[string, DocNode]>, flow?: boolean): DocNode => ({ kind: 'map', entries, flow });
export const alias = (name: string, target: DocNode): DocNode => ({ kind: 'alias', name, target });

/** Words a YAML 1.1 parser (go-yaml v2, which sigs.k8s.io/yaml uses) reads as non-strings. */
const YAML11_SPECIAL =
  /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const NUMBERISH = /^[-+]?(?:[0-9]|\.[0-9])/;

/** Text that reads back as the same string when written plain, in any YAML version. */
export function isSafePlain(value: string, inFlow: boolean): boolean {
  if (value === '' || YAML11_SPECIAL.test(value) || NUMBERISH.test(value)) return false;
  if (!/^[A-Za-z_./][A-Za-z0-9_./:@-]*$/.test(value)) return false;
  if (value.includes(': ') || value.endsWith(':')) return false;
  if (inFlow && /[,[\]{}]/.test(value)) return false;
  return true;
}

/** Text that parses as some plain scalar (maybe a bool, a number or an alias error). */
function canBePlain(value: string, inFlow: boolean): boolean {
  if (value === '' || /[\n\r\t#]/.test(value) || /^\s|\s$/.test(value)) return false;
  if (/^[-?:,[\]{}#&!|>'"%@`]/.test(value) && !/^[-?:][^\s]/.test(value)) return false;
  if (value.includes(': ') || value.endsWith(':')) return false;
  if (inFlow && /[,[\]{}]/.test(value)) return false;
  return true;
}

function quoteDouble(value: string): string {
  return JSON.stringify(value);
}

function quoteSingle(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function renderScalar(node: DocNode & { kind: 'string' }, inFlow: boolean): string {
  const { value, style } = node;
  if (style === 'double' || /[\n\r\t\\]/.test(value) || /[\u0000-\u001f\u007f-\u009f]/.test(value)) {
    return quoteDouble(value);
  }
  if (style === 'single') return quoteSingle(value);
  if (style === 'plain' && canBePlain(value, inFlow)) return value;
  return isSafePlain(value, inFlow) ? value : quoteDouble(value);
}

function renderKey(key: string, inFlow: boolean): string {
  // "<<" written plain is YAML's merge key; quoted it is an ordinary key.
  if (key === '<<') return key;
  return isSafePlain(key, inFlow) ? key : quoteDouble(key);
}

function isEmptyCollection(node: DocNode): boolean {
  return (node.kind === 'seq' && node.items.length === 0) || (node.kind === 'map' && node.entries.length === 0);
}

function renderFlow(node: DocNode): string {
  switch (node.kind) {
    case 'string':
      return renderScalar(node, true);
    case 'literal':
      return node.yaml;
    case 'alias':
      return `*${node.name}`;
    case 'seq':
      return `${anchorOf(node)}[${node.items.map(renderFlow).join(', ')}]`;
    case 'map':
      return `${anchorOf(node)}{${node.entries.map(([k, v]) => `${renderKey(k, true)}: ${renderFlow(v)}`).join(', ')}}`;
  }
}

function anchorOf(node: DocNode): string {
  return (node.kind === 'seq' || node.kind === 'map') && node.anchor ? `&${node.anchor} ` : '';
}

/** A block scalar ("|-" or ">-") holding a one-line value, indented under its key. */
function blockScalar(node: DocNode, indent: string): string | undefined {
  if (node.kind !== 'string' || (node.style !== 'literal' && node.style !== 'folded')) return undefined;
  if (node.value === '' || /^\s|\s$|[\n\r\t]/.test(node.value) || /[\u0000-\u001f\u007f-\u009f]/.test(node.value)) return undefined;
  return `${node.style === 'literal' ? '|-' : '>-'}\n${indent}  ${node.value}`;
}

export interface YamlLayout {
  /** Indent sequence items under their key ("  - x") or not ("- x", kubectl's style). */
  indentSequences: boolean;
  /** Start with "---". */
  documentStart: boolean;
  /** Sprinkle comment lines. */
  comments: boolean;
  /** Double-quote every key in block mappings ("level": None). */
  quoteKeys?: boolean;
}

export function renderYaml(root: DocNode, layout: YamlLayout, random: Random): string {
  const lines: string[] = [];
  const key = (k: string) => (layout.quoteKeys ? JSON.stringify(k) : renderKey(k, false));
  if (layout.documentStart) lines.push('---');
  const comment = (indent: string) => {
    if (layout.comments && random.chance(0.1)) lines.push(`${indent}# ${random.pick(['audit', 'keep', 'TODO: tighten'])}`);
  };

  // Writes `node` as the value of a block mapping entry or sequence item whose
  // first line is `lead` (e.g. "  rules:" or "  - ").
  function block(node: DocNode, indent: string): void {
    if (node.kind === 'map') {
      for (const [k, v] of node.entries) {
        comment(indent);
        entry(`${indent}${key(k)}:`, v, indent);
      }
    } else if (node.kind === 'seq') {
      for (const item of node.items) item0(indent, item);
    }
  }

  function entry(lead: string, value: DocNode, indent: string): void {
    const scalarBlock = blockScalar(value, indent);
    if (scalarBlock !== undefined) {
      lines.push(`${lead} ${scalarBlock}`);
      return;
    }
    if (value.kind === 'string' || value.kind === 'literal' || value.kind === 'alias' || value.flow || isEmptyCollection(value)) {
      lines.push(`${lead} ${renderFlow(value)}`);
      return;
    }
    lines.push(anchorOf(value) ? `${lead} ${anchorOf(value).trimEnd()}` : lead);
    if (value.kind === 'seq') {
      block(value, layout.indentSequences ? `${indent}  ` : indent);
    } else {
      block(value, `${indent}  `);
    }
  }

  function item0(indent: string, item: DocNode): void {
    if (item.kind === 'map' && !item.flow && item.entries.length > 0 && item.anchor) {
      // "- &name" on its own line, the mapping indented below it.
      lines.push(`${indent}- &${item.anchor}`);
      block({ ...item, anchor: undefined }, `${indent}  `);
      return;
    }
    if (item.kind === 'map' && !item.flow && item.entries.length > 0) {
      // "- key: value" then the rest of the mapping aligned under the first key.
      const inner = `${indent}  `;
      item.entries.forEach(([k, v], i) => {
        const lead = i === 0 ? `${indent}- ${key(k)}:` : `${inner}${key(k)}:`;
        entry(lead, v, inner);
      });
      return;
    }
    if (item.kind === 'seq' && !item.flow && item.items.length > 0) {
      lines.push(`${indent}-`);
      block(item, `${indent}  `);
      return;
    }
    lines.push(`${indent}- ${item.kind === 'string' ? renderScalar(item, false) : renderFlow(item)}`);
  }

  if (root.kind === 'map' && !root.flow && root.entries.length > 0) block(root, '');
  else lines.push(renderFlow(root));
  return `${lines.join('\n')}\n`;
}

function renderJsonNode(node: DocNode, indent: string | null, depth: number): string {
  const nl = indent === null ? '' : `\n${indent.repeat(depth + 1)}`;
  const end = indent === null ? '' : `\n${indent.repeat(depth)}`;
  const sep = indent === null ? ',' : ',';
  const colon = indent === null ? ':' : ': ';
  switch (node.kind) {
    case 'string':
      return JSON.stringify(node.value);
    case 'literal':
      return node.json;
    case 'alias':
      return renderJsonNode(node.target, indent, depth);
    case 'seq':
      if (node.items.length === 0) return '[]';
      return `[${node.items.map((i) => nl + renderJsonNode(i, indent, depth + 1)).join(sep)}${end}]`;
    case 'map':
      if (node.entries.length === 0) return '{}';
      return `{${node.entries
        .map(([k, v]) => `${nl}${JSON.stringify(k)}${colon}${renderJsonNode(v, indent, depth + 1)}`)
        .join(sep)}${end}}`;
  }
}

export function renderJson(root: DocNode, pretty: boolean): string {
  return `${renderJsonNode(root, pretty ? '  ' : null, 0)}\n`;
}
