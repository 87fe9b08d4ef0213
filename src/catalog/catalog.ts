// Lookups over the built-in resource catalogue (builtinResources.ts, generated
// from kube-apiserver's own discovery by scripts/generate-builtin-resources.mjs).
import { BUILTIN_RESOURCE_DATA } from './builtinResources.js';
import type { BuiltinResource } from './types.js';

export { CATALOGUE_KUBE_VERSION } from './builtinResources.js';

export const BUILTIN_RESOURCES: readonly BuiltinResource[] = BUILTIN_RESOURCE_DATA;

const byGroupResource = new Map<string, BuiltinResource>(BUILTIN_RESOURCES.map((r) => [`${r.group}/${r.resource}`, r]));

/** The built-in resource `resource` in API group `group` ("" = core), if kube-apiserver has one. */
export function findResource(group: string, resource: string): BuiltinResource | undefined {
  return byGroupResource.get(`${group}/${resource}`);
}

/**
 * Every group serving a built-in resource of that name, core group first, then
 * groups enabled by default, then alphabetically (e.g. events: "", "events.k8s.io").
 */
export function groupsForResource(resource: string): string[] {
  return BUILTIN_RESOURCES.filter((r) => r.resource === resource)
    .sort(
      (a, b) =>
        Number(a.group !== '') - Number(b.group !== '') ||
        Number(!a.enabledByDefault) - Number(!b.enabledByDefault) ||
        (a.group < b.group ? -1 : a.group > b.group ? 1 : 0),
    )
    .map((r) => r.group);
}

/** Whether a built-in resource is namespaced; undefined when kube-apiserver has no such resource. */
export function isNamespaced(group: string, resource: string): boolean | undefined {
  return findResource(group, resource)?.namespaced;
}

/** The built-in resource whose short name (e.g. "po", "deploy") or kind (e.g. "Deployment") this is. */
export function findByAlias(alias: string): BuiltinResource[] {
  const lower = alias.toLowerCase();
  return BUILTIN_RESOURCES.filter((r) => r.shortNames.includes(lower) || r.kind.toLowerCase() === lower);
}
