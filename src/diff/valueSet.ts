// Sets of strings that the diff partitions one request dimension into. Policy
// rules only ever test a dimension for membership in a finite list of exact
// strings, so every region the diff ever needs is either a finite set ("only
// these") or a cofinite one ("anything but these"). The universe of strings is
// infinite, so a cofinite set is never empty.

export type ValueSet =
  | { readonly kind: 'only'; readonly values: ReadonlySet<string> }
  | { readonly kind: 'except'; readonly values: ReadonlySet<string> };

export const ANY_VALUE: ValueSet = Object.freeze({ kind: 'except', values: new Set<string>() });

export function onlyValues(values: Iterable<string>): ValueSet {
  return { kind: 'only', values: new Set(values) };
}

export function isEmptyValueSet(set: ValueSet): boolean {
  return set.kind === 'only' && set.values.size === 0;
}

export function valueSetHas(set: ValueSet, value: string): boolean {
  return set.kind === 'only' ? set.values.has(value) : !set.values.has(value);
}

/** How a dimension's set relates to a rule's list of accepted values. */
export type Relation = 'inside' | 'outside' | 'straddles';

export function relateToValues(set: ValueSet, accepted: ReadonlySet<string>): Relation {
  if (set.kind === 'except') {
    // Infinitely many values are outside any finite list.
    for (const value of accepted) if (!set.values.has(value)) return 'straddles';
    return 'outside';
  }
  let inside = 0;
  for (const value of set.values) if (accepted.has(value)) inside++;
  if (inside === 0) return 'outside';
  return inside === set.values.size ? 'inside' : 'straddles';
}

/** Splits `set` into the part inside `accepted` and the part outside it. */
export function splitByValues(set: ValueSet, accepted: ReadonlySet<string>): { inside: ValueSet; outside: ValueSet } {
  if (set.kind === 'except') {
    const inside = [...accepted].filter((value) => !set.values.has(value));
    return { inside: onlyValues(inside), outside: { kind: 'except', values: new Set([...set.values, ...accepted]) } };
  }
  const inside: string[] = [];
  const outside: string[] = [];
  for (const value of set.values) (accepted.has(value) ? inside : outside).push(value);
  return { inside: onlyValues(inside), outside: onlyValues(outside) };
}

/** Readable members of the set, most readable first: the listed values, or `preferred` values it does not exclude. */
export function sampleValues(set: ValueSet, preferred: readonly string[], limit: number): string[] {
  if (set.kind === 'only') return [...set.values].slice(0, limit);
  const picks: string[] = [];
  for (const value of preferred) {
    if (picks.length >= limit) break;
    if (!set.values.has(value) && !picks.includes(value)) picks.push(value);
  }
  // A cofinite set always has a member: extend the last preference with a counter.
  const base = preferred.length > 0 ? preferred[preferred.length - 1] || 'other' : 'other';
  for (let n = 2; picks.length === 0; n++) {
    const value = `${base}-${n}`;
    if (!set.values.has(value)) picks.push(value);
  }
  return picks;
}

export function describeValueSet(set: ValueSet, show: (value: string) => string = JSON.stringify): string {
  const values = [...set.values].map(show);
  if (set.kind === 'only') return values.length === 1 ? values[0] : `one of ${values.join(', ')}`;
  return values.length === 0 ? 'any' : `anything but ${values.join(', ')}`;
}
