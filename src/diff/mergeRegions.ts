// Fewer, larger boxes for reports. The walk leaves a class as many disjoint
// regions, often siblings that differ in one dimension only (split for one
// policy's sake, then decided alike). Two boxes that agree everywhere but in one
// dimension are exactly one box when their sets in that dimension unite into a
// set this module can express; merging them until nothing merges describes the
// same requests in far fewer phrases. Only reports use this: classes and their
// counts are what the walk found.
import { twoHashes } from '../stringHashes.js';
import type { PathSet } from './pathSet.js';
import type { Region, ValueDimension } from './region.js';
import type { ValueSet } from './valueSet.js';

const VALUE_DIMENSIONS: readonly ValueDimension[] = ['userName', 'verb', 'apiGroup', 'resource', 'subresource', 'namespace', 'name'];
/** Past this many regions, a class is reported as it is (merging is quadratic in the worst case). */
const MERGE_LIMIT = 5000;

type Slot = { kind: 'authenticated' } | { kind: 'resourceRequest' } | { kind: 'value'; dimension: ValueDimension } | { kind: 'group'; group: string } | { kind: 'path' };

const sorted = (values: Iterable<string>): string => JSON.stringify([...values].sort());

// Regions share their sets with the regions they were split from, so each set
// is written down once.
const valueKeys = new WeakMap<ValueSet, string>();
const pathKeys = new WeakMap<PathSet, string>();

function valueKey(set: ValueSet): string {
  let key = valueKeys.get(set);
  if (key === undefined) valueKeys.set(set, (key = `${set.kind}${sorted(set.values)}`));
  return key;
}

function pathKey(set: PathSet): string {
  let key = pathKeys.get(set);
  if (key === undefined) {
    key =
      set.kind === 'only'
        ? `only${sorted(set.paths)}`
        : `prefixed${JSON.stringify(set.prefix)}${sorted(set.excludedPrefixes)}${sorted(set.excludedPaths)}`;
    pathKeys.set(set, key);
  }
  return key;
}

function uniteValues(a: ValueSet, b: ValueSet): ValueSet {
  if (a.kind === 'only' && b.kind === 'only') return { kind: 'only', values: new Set([...a.values, ...b.values]) };
  if (a.kind === 'except' && b.kind === 'except') return { kind: 'except', values: new Set([...a.values].filter((v) => b.values.has(v))) };
  const [except, only] = a.kind === 'except' ? [a, b] : [b, a];
  return { kind: 'except', values: new Set([...except.values].filter((v) => !only.values.has(v))) };
}

/** The union of two disjoint path sets, when it is a path set. */
function unitePaths(a: PathSet, b: PathSet): PathSet | null {
  if (a.kind === 'only' && b.kind === 'only') return { kind: 'only', paths: new Set([...a.paths, ...b.paths]) };
  if (a.kind === 'only' || b.kind === 'only') {
    const [prefixed, only] = (a.kind === 'prefixed' ? [a, b] : [b, a]) as [Extract<PathSet, { kind: 'prefixed' }>, Extract<PathSet, { kind: 'only' }>];
    if (![...only.paths].every((path) => prefixed.excludedPaths.has(path))) return null;
    return { ...prefixed, excludedPaths: new Set([...prefixed.excludedPaths].filter((path) => !only.paths.has(path))) };
  }
  // A trie node and the child it excludes.
  for (const [parent, child] of [
    [a, b],
    [b, a],
  ] as const) {
    if (parent.kind !== 'prefixed' || child.kind !== 'prefixed') continue;
    if (!parent.excludedPrefixes.includes(child.prefix)) continue;
    return {
      kind: 'prefixed',
      prefix: parent.prefix,
      excludedPrefixes: [...parent.excludedPrefixes.filter((prefix) => prefix !== child.prefix), ...child.excludedPrefixes],
      excludedPaths: new Set([...parent.excludedPaths, ...child.excludedPaths]),
    };
  }
  return null;
}

const isAny = (set: ValueSet): boolean => set.kind === 'except' && set.values.size === 0;
const isAnyPath = (set: PathSet): boolean =>
  set.kind === 'prefixed' && set.prefix === '' && set.excludedPrefixes.length === 0 && set.excludedPaths.size === 0;

/** The union of two regions that differ in `slot` only, when it is a region. */
function unite(a: Region, b: Region, slot: Slot): Region | null {
  switch (slot.kind) {
    case 'value':
      return { ...a, [slot.dimension]: uniteValues(a[slot.dimension], b[slot.dimension]) };
    case 'path': {
      const path = unitePaths(a.path, b.path);
      return path === null ? null : { ...a, path };
    }
    case 'group': {
      if (a.groups.get(slot.group) === b.groups.get(slot.group)) return null;
      const groups = new Map(a.groups);
      groups.delete(slot.group);
      return { ...a, groups };
    }
    case 'authenticated': {
      // "Authenticated, any user" and "failed authentication" make "anyone".
      if (a.authenticated === b.authenticated || a.authenticated === null || b.authenticated === null) return null;
      const user = a.authenticated ? a : b;
      if (!isAny(user.userName) || user.groups.size > 0) return null;
      return { ...a, authenticated: null, groups: new Map() };
    }
    case 'resourceRequest': {
      if (a.resourceRequest === b.resourceRequest || a.resourceRequest === null || b.resourceRequest === null) return null;
      const resource = a.resourceRequest ? a : b;
      const nonResource = a.resourceRequest ? b : a;
      const resourceFree = (['apiGroup', 'resource', 'subresource', 'namespace', 'name'] as const).every((d) => isAny(resource[d]));
      if (!resourceFree || !isAnyPath(nonResource.path)) return null;
      return { ...a, resourceRequest: null, path: nonResource.path };
    }
  }
}

function slotsOf(regions: readonly Region[]): Slot[] {
  const groups = new Set<string>();
  for (const region of regions) for (const group of region.groups.keys()) groups.add(group);
  return [
    ...VALUE_DIMENSIONS.map((dimension): Slot => ({ kind: 'value', dimension })),
    { kind: 'path' },
    ...[...groups].sort().map((group): Slot => ({ kind: 'group', group })),
    { kind: 'resourceRequest' },
    { kind: 'authenticated' },
  ];
}

function slotText(region: Region, slot: Slot): string {
  switch (slot.kind) {
    case 'authenticated':
      return String(region.authenticated);
    case 'resourceRequest':
      return String(region.resourceRequest);
    case 'value':
      return valueKey(region[slot.dimension]);
    case 'path':
      return pathKey(region.path);
    case 'group':
      return String(region.groups.get(slot.group));
  }
}

interface Written {
  texts: string[];
  /** Per slot, the text's two hashes; and their sums over all slots (mod 2^32). */
  hashes: [number, number][];
  sum: [number, number];
}

function sameExcept(a: Written, b: Written, slot: number): boolean {
  for (let i = 0; i < a.texts.length; i++) if (i !== slot && a.texts[i] !== b.texts[i]) return false;
  return true;
}

/** The same set of requests as `regions` (disjoint boxes), in as few boxes as pairwise merging finds. */
export function mergeRegions(regions: readonly Region[]): Region[] {
  if (regions.length > MERGE_LIMIT) return [...regions];
  const slots = slotsOf(regions);
  // Each region written down slot by slot, once. Regions differing in slot i
  // only have equal hash sums once slot i's hashes are taken out; bucketing by
  // that (and checking the texts) finds them without building keys.
  const written = new Map<Region, Written>();
  const writtenOf = (region: Region): Written => {
    let found = written.get(region);
    if (found === undefined) {
      const texts = slots.map((slot) => slotText(region, slot));
      const perSlot = texts.map((text) => twoHashes(text));
      const sum: [number, number] = [0, 0];
      for (const [h1, h2] of perSlot) {
        sum[0] = (sum[0] + h1) >>> 0;
        sum[1] = (sum[1] + h2) >>> 0;
      }
      written.set(region, (found = { texts, hashes: perSlot, sum }));
    }
    return found;
  };
  let current = [...regions];
  for (let merged = true; merged && current.length > 1; ) {
    merged = false;
    for (const [index, slot] of slots.entries()) {
      const buckets = new Map<number, Region[][]>();
      for (const region of current) {
        const own = writtenOf(region);
        const key = ((own.sum[0] - own.hashes[index][0]) >>> 0) * 0x200000 + (((own.sum[1] - own.hashes[index][1]) >>> 0) & 0x1fffff);
        let groups = buckets.get(key);
        if (groups === undefined) buckets.set(key, (groups = []));
        const group = groups.find((g) => sameExcept(writtenOf(g[0]), own, index));
        if (group === undefined) groups.push([region]);
        else group.push(region);
      }
      if (buckets.size === current.length) continue;
      const next: Region[] = [];
      for (const groups of buckets.values()) {
        for (const bucket of groups) {
          // Fold each bucket: keep uniting while some pair unites.
          const pending = bucket;
          while (pending.length > 0) {
            let acc = pending.pop()!;
            for (let i = pending.length - 1; i >= 0; i--) {
              const union = unite(acc, pending[i], slot);
              if (union === null) continue;
              acc = union;
              pending.splice(i, 1);
              merged = true;
              i = pending.length;
            }
            next.push(acc);
          }
        }
      }
      current = next;
    }
  }
  return current;
}
