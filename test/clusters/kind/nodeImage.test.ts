// The node image recipe: the names kubeadm 1.36 looks for, and a recipe hash
// that changes with the recipe and nothing else.
import { describe, expect, it } from 'vitest';
import { kubeadmImages, recipeHash } from '../../../src/clusters/kind/nodeImage.js';
import { KUBEADM_ETCD_TAG, KUBEADM_PAUSE_TAG, KIND_VERSION, PUBLISHED_NODE_IMAGE } from '../../../src/clusters/kind/versions.js';

describe('kind node image', () => {
  it('carries the images kubeadm v1.36.4 runs, under the names and tags it asks for', () => {
    expect(kubeadmImages().map((i) => i.node)).toEqual([
      'registry.k8s.io/kube-apiserver:v1.36.4',
      'registry.k8s.io/kube-controller-manager:v1.36.4',
      'registry.k8s.io/kube-scheduler:v1.36.4',
      'registry.k8s.io/etcd:3.6.8-0',
      'registry.k8s.io/pause:3.10.2',
    ]);
    // cmd/kubeadm/app/constants: DefaultEtcdVersion, PauseVersion.
    expect([KUBEADM_ETCD_TAG, KUBEADM_PAUSE_TAG]).toEqual(['3.6.8-0', '3.10.2']);
  });

  it('defaults to kind v0.33.0\'s published image for the Kubernetes release auditspec judges by', () => {
    expect(KIND_VERSION).toBe('v0.33.0');
    expect(PUBLISHED_NODE_IMAGE).toMatch(/^kindest\/node:v1\.36\.4@sha256:[0-9a-f]{64}$/);
  });

  it('hashes the recipe: stable for the same files and versions, different otherwise', async () => {
    const a = await recipeHash(['rootfs.sh', 'base'], ['bookworm']);
    expect(await recipeHash(['rootfs.sh', 'base'], ['bookworm'])).toBe(a);
    expect(await recipeHash(['rootfs.sh', 'base'], ['trixie'])).not.toBe(a);
    expect(await recipeHash(['rootfs.sh', 'base', 'pause'], ['bookworm'])).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{16}$/);
  });
});
