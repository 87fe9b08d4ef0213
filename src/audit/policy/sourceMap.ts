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
