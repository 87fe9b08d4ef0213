import { readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ContainersCluster } from '../../../src/clusters/containers/index.js';
import { ClusterError } from '../../../src/clusters/types.js';
import { dockerSkipReason } from '../dockerAvailable.js';
import { containerRuntimeFailure } from '../../../src/clusters/containers/errors.js';
import { apiserverFlags, etcdFlags } from '../../../src/clusters/containers/definition.js';
import { localImages, releaseImages } from '../../../src/clusters/containers/images.js';
import { serverRelease } from '../../../src/binaries/versions.js';
import { loadDefinition } from '../../../src/clusters/common/definition.js';

const flag = (flags: string[], name: string) => flags.filter((f) => f.startsWith(`--${name}=`)).map((f) => f.slice(name.length + 3));

describe('containers backend flags', () => {
  it('runs the release images kubeadm would for v1.36.4, or local builds of the same binaries under names of their own', () => {
    expect(releaseImages(serverRelease('1.36'))['kube-apiserver']).toBe('registry.k8s.io/kube-apiserver:v1.36.4');
    expect(releaseImages(serverRelease('1.36')).etcd).toBe('registry.k8s.io/etcd:3.6.8-0');
    expect(localImages(serverRelease('1.36'))['kube-apiserver']).toBe('auditspec.local/kube-apiserver:v1.36.4');
    expect(localImages(serverRelease('1.36')).etcd).toBe('auditspec.local/etcd:3.6.8-0');
    // Each version's images are its own: a 1.33 run never starts a 1.36 kube-apiserver.
    expect(localImages(serverRelease('1.33'))['kube-apiserver']).toBe('auditspec.local/kube-apiserver:v1.33.13');
    expect(releaseImages(serverRelease('1.33')).etcd).toBe('registry.k8s.io/etcd:3.5.24-0');
  });

  it('gives kube-apiserver the local control plane\'s flags, with container addresses and the mounted run directory', () => {
    const flags = apiserverFlags({ policyFile: '/auditspec/policies/policy-1.yaml', auditLogFile: '/auditspec/audit/audit-1.log' });
    expect(flag(flags, 'etcd-servers')).toEqual(['http://etcd:2379']);
    expect(flag(flags, 'bind-address')).toEqual(['0.0.0.0']);
    expect(flag(flags, 'secure-port')).toEqual(['6443']);
    expect(flag(flags, 'audit-policy-file')).toEqual(['/auditspec/policies/policy-1.yaml']);
    expect(flag(flags, 'audit-log-path')).toEqual(['/auditspec/audit/audit-1.log']);
    expect(flag(flags, 'client-ca-file')).toEqual(['/auditspec/pki/ca.crt']);
    // Every audit flag is the local definition's: same behaviour on both backends.
    const local = loadDefinition()['kube-apiserver'].filter((f) => f.startsWith('--audit-') && !f.includes('${'));
    for (const f of local) expect(flags).toContain(f);
    expect(flags.some((f) => f.includes('${'))).toBe(false);
  });

  it('lets etcd serve the container network', () => {
    const flags = etcdFlags();
    expect(flag(flags, 'listen-client-urls')).toEqual(['http://0.0.0.0:2379']);
    expect(flag(flags, 'advertise-client-urls')).toEqual(['http://etcd:2379']);
    expect(flags.some((f) => f.includes('${'))).toBe(false);
  });
});

describe('container runtime failures, in words', () => {
  it('maps what testcontainers and dockerode throw', () => {
    expect(containerRuntimeFailure(new Error('Could not find a working container runtime strategy')).message).toMatch(/^no Docker engine answers .*sudo dockerd/);
    expect(
      containerRuntimeFailure(new Error('(HTTP code 404) unexpected - manifest for registry.k8s.io/kube-apiserver:v9.9.9 not found: manifest unknown'), 'registry.k8s.io/kube-apiserver:v9.9.9')
        .message,
    ).toMatch(/^could not pull the image registry\.k8s\.io\/kube-apiserver:v9\.9\.9: .*manifest unknown/);
    expect(containerRuntimeFailure(new Error('connect EACCES /var/run/docker.sock')).message).toMatch(/may not talk to Docker/);
    expect(containerRuntimeFailure(new Error('something else'), 'img').message).toBe('starting a container from img failed: something else');
  });
});

describe.skipIf(dockerSkipReason() === undefined)('without a Docker engine (skipped: this machine has one)', () => {
  it('says Docker is not running, and leaves nothing behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'auditspec-containers-nodocker-'));
    try {
      const file = join(dir, 'policy.yaml');
      await writeFile(file, 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n');
      const err = await ContainersCluster.start({ file, withSentinel: '' }, { tmpRoot: dir }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ClusterError);
      expect((err as Error).message).toMatch(/^no Docker engine answers .*sudo dockerd/);
      expect(readdirSync(dir)).toEqual(['policy.yaml']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
