// The catalogue is data generated from kube-apiserver v1.36.4's discovery
// (scripts/generate-builtin-resources.mjs); these tests pin the lookups and a few
// facts any kube-apiserver 1.36 serves, so a bad regeneration shows up.
import { describe, expect, it } from 'vitest';
import {
  BUILTIN_RESOURCES,
  CATALOGUE_KUBE_VERSION,
  findByAlias,
  findResource,
  groupsForResource,
  isNamespaced,
} from '../../src/catalog/index.js';

describe('built-in resource catalogue', () => {
  it('comes from kube-apiserver 1.36', () => {
    expect(CATALOGUE_KUBE_VERSION).toMatch(/^v1\.36\./);
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
