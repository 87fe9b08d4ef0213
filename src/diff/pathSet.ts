// Sets of URL paths that the diff partitions non-resource requests into.
// nonResourceURLs rules test a path for equality ("/healthz"), for a prefix
// ("/api*", every trailing star trimmed, as checker.go's pathMatches does) or
// accept anything ("*"). Every region those tests can carve out of the space of
// paths is either a finite set of exact paths, or "paths starting with P, but
// not with any of these longer prefixes, and not these exact paths" — the nodes
// of a trie over the prefixes the policies mention.

export type PathSet =
  | { readonly kind: 'only'; readonly paths: ReadonlySet<string> }
  | {
      readonly kind: 'prefixed';
      readonly prefix: string;
      /** Longer prefixes (each extends `prefix`) whose paths are not in the set. */
      readonly excludedPrefixes: readonly string[];
      /** Exact paths (each starts with `prefix`) that are not in the set. */
      readonly excludedPaths: ReadonlySet<string>;
    };

export const ANY_PATH: PathSet = Object.freeze({
  kind: 'prefixed',
  prefix: '',
  excludedPrefixes: [],
  excludedPaths: new Set<string>(),
});

/** A nonResourceURLs entry, read the way checker.go's pathMatches reads it (nonResourceURLMatches in audit/policy/checker.ts is the plain predicate). */
export type PathPattern = { kind: 'any' } | { kind: 'exact'; path: string } | { kind: 'prefix'; prefix: string };

export function parsePathPattern(spec: string): PathPattern {
  if (spec === '*') return { kind: 'any' };
  // "/p*" also matches the literal path "/p*" exactly, which starts with "/p" anyway.
  if (spec.endsWith('*')) return { kind: 'prefix', prefix: spec.replace(/\*+$/, '') };
  return { kind: 'exact', path: spec };
}

export function pathSetHas(set: PathSet, path: string): boolean {
  if (set.kind === 'only') return set.paths.has(path);
  return (
    path.startsWith(set.prefix) &&
    !set.excludedPrefixes.some((excluded) => path.startsWith(excluded)) &&
    !set.excludedPaths.has(path)
  );
}

export function isEmptyPathSet(set: PathSet): boolean {
  // A prefixed set excludes finitely many prefixes, each strictly longer than its
  // own prefix, and finitely many paths: infinitely many paths remain.
  return set.kind === 'only' && set.paths.size === 0;
}

export type PathSplit = { relation: 'inside' } | { relation: 'outside' } | { relation: 'straddles'; inside: PathSet; outside: PathSet };

function splitOnly(paths: ReadonlySet<string>, test: (path: string) => boolean): PathSplit {
  const inside: string[] = [];
  const outside: string[] = [];
  for (const path of paths) (test(path) ? inside : outside).push(path);
  if (inside.length === 0) return { relation: 'outside' };
  if (outside.length === 0) return { relation: 'inside' };
  return { relation: 'straddles', inside: { kind: 'only', paths: new Set(inside) }, outside: { kind: 'only', paths: new Set(outside) } };
}

/** Splits `set` by whether a path matches `pattern`. */
export function splitByPathPattern(set: PathSet, pattern: PathPattern): PathSplit {
  if (pattern.kind === 'any') return { relation: 'inside' };
  if (pattern.kind === 'exact') {
    if (set.kind === 'only') return splitOnly(set.paths, (path) => path === pattern.path);
    if (!pathSetHas(set, pattern.path)) return { relation: 'outside' };
    return {
      relation: 'straddles',
      inside: { kind: 'only', paths: new Set([pattern.path]) },
      outside: { ...set, excludedPaths: new Set([...set.excludedPaths, pattern.path]) },
    };
  }
  const wanted = pattern.prefix;
  if (set.kind === 'only') return splitOnly(set.paths, (path) => path.startsWith(wanted));
  if (set.prefix.startsWith(wanted)) return { relation: 'inside' };
  if (!wanted.startsWith(set.prefix)) return { relation: 'outside' };
  // `wanted` extends the set's prefix: paths under it are in, unless an excluded prefix covers it.
  if (set.excludedPrefixes.some((excluded) => wanted.startsWith(excluded))) return { relation: 'outside' };
  const under = (path: string): boolean => path.startsWith(wanted);
  return {
    relation: 'straddles',
    inside: {
      kind: 'prefixed',
      prefix: wanted,
      excludedPrefixes: set.excludedPrefixes.filter(under),
      excludedPaths: new Set([...set.excludedPaths].filter(under)),
    },
    outside: {
      kind: 'prefixed',
      prefix: set.prefix,
      excludedPrefixes: [...set.excludedPrefixes.filter((excluded) => !under(excluded)), wanted],
      excludedPaths: new Set([...set.excludedPaths].filter((path) => !under(path))),
    },
  };
}

/**
 * Members of the set, most readable first. For a prefixed set these are the
 * prefix itself and a few readable extensions of it, then single-character
 * extensions, which are guaranteed to include a member.
 */
export function samplePaths(set: PathSet, limit: number): string[] {
  if (set.kind === 'only') return [...set.paths].slice(0, limit);
  const p = set.prefix;
  const readable =
    p === ''
      ? ['/other-path', '/other']
      : p.endsWith('/')
        ? [p, `${p}other-path`, `${p}other`]
        : [p, `${p}/other-path`, `${p}-other-path`, `${p}other`];
  const picks: string[] = [];
  const consider = (path: string): void => {
    if (picks.length < limit && !picks.includes(path) && pathSetHas(set, path)) picks.push(path);
  };
  readable.forEach(consider);
  // Each excluded prefix or path rules out at most one first character after the prefix.
  const spare = set.excludedPrefixes.length + set.excludedPaths.size + 2;
  for (let code = 0x61; picks.length === 0 && code < 0x61 + spare + 26; code++) {
    consider(`${p}${String.fromCharCode(code)}`);
    consider(`${p}/${String.fromCharCode(code)}`);
  }
  return picks;
}

export function describePathSet(set: PathSet): string {
  if (set.kind === 'only') {
    const paths = [...set.paths].map((path) => JSON.stringify(path));
    return paths.length === 1 ? paths[0] : `one of ${paths.join(', ')}`;
  }
  const parts = [set.prefix === '' ? 'any path' : `paths starting with ${JSON.stringify(set.prefix)}`];
  if (set.excludedPrefixes.length > 0) {
    parts.push(`not starting with ${set.excludedPrefixes.map((prefix) => JSON.stringify(prefix)).join(', ')}`);
  }
  if (set.excludedPaths.size > 0) parts.push(`other than ${[...set.excludedPaths].map((path) => JSON.stringify(path)).join(', ')}`);
  return parts.join(', ');
}
