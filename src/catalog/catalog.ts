// Lookups over one version's built-in resource catalogue (versions/<minor>.ts,
// generated from that kube-apiserver release's own discovery by
// scripts/generate-builtin-resources.mjs). Lint's unknown-resource and the
// request builder ask the catalogue of the version they judge as.
import { DEFAULT_KUBE_VERSION, type KubeVersion } from '../audit/kubeVersions.js';
import type { BuiltinResource } from './types.js';
import { GENERATED_CATALOGUES, type GeneratedCatalogue } from './versions/index.js';

export class Catalogue {
  /** The release whose discovery this is, without the "v" (e.g. "1.36.4"). */
  readonly release: string;
  readonly resources: readonly BuiltinResource[];
  /** Groups serving at least one built-in resource. */
  readonly groups: ReadonlySet<string>;
  private readonly byGroupResource: Map<string, BuiltinResource>;

  constructor(
    /** The version asked for. */
    readonly kubeVersion: KubeVersion,
    generated: GeneratedCatalogue,
  ) {
    this.release = generated.CATALOGUE_KUBE_VERSION.replace(/^v/, '');
    this.resources = generated.BUILTIN_RESOURCE_DATA;
    this.groups = new Set(this.resources.map((r) => r.group));
    this.byGroupResource = new Map(this.resources.map((r) => [`${r.group}/${r.resource}`, r]));
  }

  /** The built-in resource `resource` in API group `group` ("" = core), if kube-apiserver has one. */
  findResource(group: string, resource: string): BuiltinResource | undefined {
    return this.byGroupResource.get(`${group}/${resource}`);
  }

  /**
   * Every group serving a built-in resource of that name, core group first, then
   * groups enabled by default, then alphabetically (e.g. events: "", "events.k8s.io").
   */
  groupsForResource(resource: string): string[] {
    return this.resources
      .filter((r) => r.resource === resource)
      .sort(
        (a, b) =>
          Number(a.group !== '') - Number(b.group !== '') ||
          Number(!a.enabledByDefault) - Number(!b.enabledByDefault) ||
          (a.group < b.group ? -1 : a.group > b.group ? 1 : 0),
      )
      .map((r) => r.group);
  }

  /** Whether a built-in resource is namespaced; undefined when kube-apiserver has no such resource. */
  isNamespaced(group: string, resource: string): boolean | undefined {
    return this.findResource(group, resource)?.namespaced;
  }

  /** The built-in resource whose short name (e.g. "po", "deploy") or kind (e.g. "Deployment") this is. */
  findByAlias(alias: string): BuiltinResource[] {
    const lower = alias.toLowerCase();
    return this.resources.filter((r) => r.shortNames.includes(lower) || r.kind.toLowerCase() === lower);
  }
}

const catalogues = new Map<KubeVersion, Catalogue>();

/** The catalogue of `version`, from that release's own discovery. */
export function catalogueFor(version: KubeVersion = DEFAULT_KUBE_VERSION): Catalogue {
  let catalogue = catalogues.get(version);
  if (!catalogue) {
    catalogue = new Catalogue(version, GENERATED_CATALOGUES[version]);
    catalogues.set(version, catalogue);
  }
  return catalogue;
}
