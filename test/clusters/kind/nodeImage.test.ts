// The node image recipe: the names kubeadm 1.36 looks for, and a recipe hash
// that changes with the recipe and nothing else.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kindNodeModuleDir, nodeBuildArgs, nodeBinariesDir } from '../../../src/clusters/kind/goTools.js';
import { kubeadmImages, nodeRecipe, recipeHash } from '../../../src/clusters/kind/nodeImage.js';
import { KIND_VERSION, kindNodeVersions } from '../../../src/clusters/kind/versions.js';

describe('kind node image', () => {
  it('carries the images kubeadm v1.36.4 runs, under the names and tags it asks for', () => {
    expect(kubeadmImages(kindNodeVersions('1.36')).map((i) => i.node)).toEqual([
      'registry.k8s.io/kube-apiserver:v1.36.4',
      'registry.k8s.io/kube-controller-manager:v1.36.4',
      'registry.k8s.io/kube-scheduler:v1.36.4',
      'registry.k8s.io/etcd:3.6.8-0',
      'registry.k8s.io/pause:3.10.2',
    ]);
    // cmd/kubeadm/app/constants: DefaultEtcdVersion, PauseVersion.
    expect([kindNodeVersions('1.36').etcdTag, kindNodeVersions('1.36').pauseTag]).toEqual(['3.6.8-0', '3.10.2']);
  });

  it('follows the run\'s Kubernetes version: 1.33 gets kubeadm 1.33\'s images, its own tag, binaries and recipe', async () => {
    const v133 = kindNodeVersions('1.33');
    // kubeadm v1.33.13: DefaultEtcdVersion 3.5.24-0, PauseVersion 3.10.
    expect(kubeadmImages(v133).map((i) => i.node)).toEqual([
      'registry.k8s.io/kube-apiserver:v1.33.13',
      'registry.k8s.io/kube-controller-manager:v1.33.13',
      'registry.k8s.io/kube-scheduler:v1.33.13',
      'registry.k8s.io/etcd:3.5.24-0',
      'registry.k8s.io/pause:3.10',
    ]);
    // No digest of kind's own 1.33 image is pinned: the node is built here, under a name of its own.
    expect(v133.publishedImage).toBeUndefined();
    expect(v133.localImage).toBe('auditspec/kind-node:v1.33.13');
    expect(nodeBinariesDir({ XDG_CACHE_HOME: '/c' }, 'v1.33.13')).toBe('/c/auditspec/kind-node/v1.33.13/bin');
    const args = nodeBuildArgs('v1.33.13', '/out');
    expect(args).toContain('-modfile=versions/v1.33.13.mod');
    expect(args.join(' ')).toContain('-X k8s.io/component-base/version.gitVersion=v1.33.13');
    const mod = readFileSync(join(kindNodeModuleDir(), 'versions', 'v1.33.13.mod'), 'utf8');
    expect(mod).toMatch(/^(require |\t)k8s\.io\/kubernetes v1\.33\.13$/m);
    expect(await nodeRecipe(v133)).not.toBe(await nodeRecipe(kindNodeVersions('1.36')));
  });

  it('defaults to kind v0.33.0\'s published image for the Kubernetes release auditspec judges by', () => {
    expect(KIND_VERSION).toBe('v0.33.0');
    expect(kindNodeVersions('1.36').publishedImage).toMatch(/^kindest\/node:v1\.36\.4@sha256:[0-9a-f]{64}$/);
  });

  it('hashes the recipe: stable for the same files and versions, different otherwise', async () => {
    const a = await recipeHash(['rootfs.sh', 'base'], ['bookworm']);
    expect(await recipeHash(['rootfs.sh', 'base'], ['bookworm'])).toBe(a);
    expect(await recipeHash(['rootfs.sh', 'base'], ['trixie'])).not.toBe(a);
    expect(await recipeHash(['rootfs.sh', 'base', 'pause'], ['bookworm'])).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{16}$/);
  });
});
