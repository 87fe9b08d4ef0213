// The catalogue is data generated per version from that kube-apiserver's
// discovery (scripts/generate-builtin-resources.mjs); these tests pin the
// lookups, a few facts any kube-apiserver 1.36 serves, and what differs in 1.33,
// so a bad regeneration shows up.
import { describe, expect, it } from 'vitest';
import { kubeRelease, SUPPORTED_KUBE_VERSIONS } from '../../src/audit/kubeVersions.js';
import { catalogueFor } from '../../src/catalog/index.js';
import { GENERATED_CATALOGUES } from '../../src/catalog/versions/index.js';

const v136 = catalogueFor('1.36');
const BUILTIN_RESOURCES = v136.resources;
const findResource = v136.findResource.bind(v136);
const groupsForResource = v136.groupsForResource.bind(v136);
const isNamespaced = v136.isNamespaced.bind(v136);
const findByAlias = v136.findByAlias.bind(v136);

describe('per-version catalogues', () => {
  it('each generated catalogue is from the pinned release of its version', () => {
    for (const version of SUPPORTED_KUBE_VERSIONS) {
      expect(GENERATED_CATALOGUES[version].CATALOGUE_KUBE_VERSION).toBe(kubeRelease(version).kubernetes);
    }
  });

  it('1.33 lacks what 1.36 added and prefers the beta versions 1.36 replaced', () => {
    const v133 = catalogueFor('1.33');
    expect(v133.release).toBe('1.33.13');
    expect(v133.findResource('scheduling.k8s.io', 'workloads')).toBeUndefined();
    expect(v136.findResource('scheduling.k8s.io', 'workloads')).toBeDefined();
    expect(v133.findResource('resource.k8s.io', 'resourceclaims')).toMatchObject({ version: 'v1beta2', enabledByDefault: false });
    expect(v136.findResource('resource.k8s.io', 'resourceclaims')).toMatchObject({ version: 'v1', enabledByDefault: true });
  });

  it('every supported version has its own catalogue, named after its own release', () => {
    for (const version of SUPPORTED_KUBE_VERSIONS) {
      const catalogue = catalogueFor(version);
      expect(catalogue.kubeVersion).toBe(version);
      expect(catalogue.release).toBe(kubeRelease(version).kubernetes.slice(1));
    }
  });

  it('1.34 serves DRA at v1 and 1.35 adds workloads: each version answers from its own discovery', () => {
    const [v133, v134, v135] = (['1.33', '1.34', '1.35'] as const).map((v) => catalogueFor(v));
    expect(v133.findResource('resource.k8s.io', 'resourceclaims')).toMatchObject({ version: 'v1beta2', enabledByDefault: false });
    expect(v134.findResource('resource.k8s.io', 'resourceclaims')).toMatchObject({ version: 'v1', enabledByDefault: true });
    expect(v134.findResource('scheduling.k8s.io', 'workloads')).toBeUndefined();
    expect(v135.findResource('scheduling.k8s.io', 'workloads')).toMatchObject({ version: 'v1alpha1', enabledByDefault: false });
  });
});

describe('built-in resource catalogue', () => {
  it('comes from kube-apiserver 1.36', () => {
    expect(v136.release).toMatch(/^1\.36\./);
    expect(BUILTIN_RESOURCES.filter((r) => r.enabledByDefault).length).toBeGreaterThan(60);
  });

  it('is consistent', () => {
    const keys = new Set<string>();
    for (const r of BUILTIN_RESOURCES) {
      const key = `${r.group}/${r.resource}`;
      expect(keys.has(key), key).toBe(false);
      keys.add(key);
      expect(r.versions, key).toContain(r.version);
      expect(r.resource, key).not.toContain('/');
      expect(r.kind, key).not.toBe('');
      expect([...r.verbs].sort(), key).toEqual(r.verbs);
    }
  });

  it.each([
    ['', 'pods', 'v1', true],
    ['', 'namespaces', 'v1', false],
    ['', 'nodes', 'v1', false],
    ['apps', 'deployments', 'v1', true],
    ['rbac.authorization.k8s.io', 'clusterroles', 'v1', false],
    ['coordination.k8s.io', 'leases', 'v1', true],
    ['authentication.k8s.io', 'tokenreviews', 'v1', false],
    ['autoscaling', 'horizontalpodautoscalers', 'v2', true],
  ])('%s/%s: preferred %s, namespaced %s', (group, resource, version, namespaced) => {
    const r = findResource(group, resource);
    expect(r?.version).toBe(version);
    expect(r?.enabledByDefault).toBe(true);
    expect(isNamespaced(group, resource)).toBe(namespaced);
  });

  it('knows subresources and their verbs', () => {
    const pods = findResource('', 'pods')!;
    const sub = Object.fromEntries(pods.subresources.map((s) => [s.name, s.verbs]));
    expect(sub.exec).toEqual(['create', 'get']);
    expect(sub.log).toEqual(['get']);
    expect(sub.status).toEqual(['get', 'patch', 'update']);
    expect(findResource('apps', 'deployments')!.subresources.map((s) => s.name)).toEqual(['scale', 'status']);
    expect(findResource('', 'namespaces')!.subresources.map((s) => s.name)).toEqual(['finalize', 'status']);
  });

  it('answers undefined for what kube-apiserver does not have', () => {
    expect(findResource('apps', 'pods')).toBeUndefined();
    expect(findResource('extensions', 'deployments')).toBeUndefined();
    expect(isNamespaced('example.com', 'widgets')).toBeUndefined();
    expect(groupsForResource('widgets')).toEqual([]);
  });

  it('orders groups core first, then enabled by default, then by name', () => {
    expect(groupsForResource('events')).toEqual(['', 'events.k8s.io']);
    expect(groupsForResource('deployments')).toEqual(['apps']);
  });

  it('separates what only runs with --runtime-config or feature gates', () => {
    const off = BUILTIN_RESOURCES.filter((r) => !r.enabledByDefault);
    expect(off.length).toBeGreaterThan(0);
    for (const r of off) expect(r.versions.every((v) => /(alpha|beta)/.test(v)), `${r.group}/${r.resource}`).toBe(true);
  });

  it('finds resources by short name and kind', () => {
    expect(findByAlias('deploy').map((r) => r.resource)).toEqual(['deployments']);
    expect(findByAlias('po').map((r) => r.resource)).toEqual(['pods']);
    expect(findByAlias('Lease').map((r) => `${r.group}/${r.resource}`)).toEqual(['coordination.k8s.io/leases']);
  });
});
