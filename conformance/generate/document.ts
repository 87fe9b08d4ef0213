// A policy file as a tree that can say what a parsed object cannot: key order,
// duplicate keys, scalar styles, flow vs block. Rendered to YAML or JSON text
// so the loader under test sees exactly what a user could have written.

import type { Random } from './random.js';

export type DocNode =
  | { kind: 'string'; value: string; style?: StringStyle }
  /** A non-string literal, written as-is: numbers, booleans, null, YAML 1.1 words. */
  | { kind: 'literal'; yaml: string; json: string }
  | { kind: 'seq'; items: DocNode[]; flow?: boolean }
  | { kind: 'map'; entries: Array<[string, DocNode]>; flow?: boolean };

/** plain is honoured only where the text can be a YAML plain scalar at all. */
export type StringStyle = 'plain' | 'single' | 'double';

export const str = (value: string, style?: StringStyle): DocNode => ({ kind: 'string', value, style });
export const lit = (yaml: string, json = yaml): DocNode => ({ kind: 'literal', yaml, json });
export const seq = (items: DocNode[], flow?: boolean): DocNode => ({ kind: 'seq', items, flow });
export const map = (entries: Array<[string, DocNode]>, flow?: boolean): DocNode => ({ kind: 'map', entries, flow });

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
    case 'seq':
      return `[${node.items.map(renderFlow).join(', ')}]`;
    case 'map':
      return `{${node.entries.map(([k, v]) => `${renderKey(k, true)}: ${renderFlow(v)}`).join(', ')}}`;
  }
}

export interface YamlLayout {
  /** Indent sequence items under their key ("  - x") or not ("- x", kubectl's style). */
  indentSequences: boolean;
  /** Start with "---". */
  documentStart: boolean;
  /** Sprinkle comment lines. */
  comments: boolean;
}

export function renderYaml(root: DocNode, layout: YamlLayout, random: Random): string {
  const lines: string[] = [];
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
        entry(`${indent}${renderKey(k, false)}:`, v, indent);
      }
    } else if (node.kind === 'seq') {
      for (const item of node.items) item0(indent, item);
    }
  }

  function entry(lead: string, value: DocNode, indent: string): void {
    if (value.kind === 'string' || value.kind === 'literal' || value.flow || isEmptyCollection(value)) {
      lines.push(`${lead} ${renderFlow(value)}`);
      return;
    }
    lines.push(lead);
    if (value.kind === 'seq') {
      block(value, layout.indentSequences ? `${indent}  ` : indent);
    } else {
      block(value, `${indent}  `);
    }
  }

  function item0(indent: string, item: DocNode): void {
    if (item.kind === 'map' && !item.flow && item.entries.length > 0) {
      // "- key: value" then the rest of the mapping aligned under the first key.
      const inner = `${indent}  `;
      item.entries.forEach(([k, v], i) => {
        const lead = i === 0 ? `${indent}- ${renderKey(k, false)}:` : `${inner}${renderKey(k, false)}:`;
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
