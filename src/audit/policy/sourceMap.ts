// Where the parts of a loaded policy were written, beyond what the shared
// Policy types hold (rule.pos, rule.fieldPos, groupResources.pos): the
// position of each field's value and of each list item. Kept beside the
// objects (a WeakMap keyed by the Policy, PolicyRule and GroupResources the
// reader returns) so the contract types stay as they are; copies of those
// objects simply have no source map, and callers fall back to the coarser
// positions.

import type { SourcePosition } from '../types.js';

export interface FieldSource {
  /** The key as written. */
  key: SourcePosition;
  /** The start of its value. */
  value: SourcePosition;
  /** For lists: where each item starts (a YAML item's `-`). */
  items?: SourcePosition[];
}

export interface ObjectSource {
  pos: SourcePosition;
  /** By field name (json name, as the policy file spells it). */
  fields: Partial<Record<string, FieldSource>>;
}

const sources = new WeakMap<object, ObjectSource>();

export function attachSource(target: object, source: ObjectSource): void {
  sources.set(target, source);
}

/** The source of a Policy, PolicyRule or GroupResources returned by the reader, if it came from one. */
export function sourceOf(target: object): ObjectSource | undefined {
  return sources.get(target);
}

/** The position of a field's value, or of one of its list items, when known. */
export function valuePosition(target: object, field: string, item?: number): SourcePosition | undefined {
  const f = sourceOf(target)?.fields[field];
  if (!f) return undefined;
  if (item !== undefined) return f.items?.[item] ?? f.value;
  return f.value;
}

/** A place in a file: a policy position, or a line of an audit log. */
export interface Place {
  file: string;
  line: number;
  col?: number;
}

/**
 * How every message names a place: `file:line:col`, `file:line` where the
 * column says nothing (a rule, a log line) or is unknown, the file alone when
 * there is no position. `file` names the file otherwise than the position does
 * (a path relative to the working directory).
 */
export function formatPosition(pos: Place | undefined, options: { file?: string; column?: boolean } = {}): string {
  const file = options.file ?? pos?.file ?? '';
  if (!pos) return file;
  return options.column === false || pos.col === undefined ? `${file}:${pos.line}` : `${file}:${pos.line}:${pos.col}`;
}
