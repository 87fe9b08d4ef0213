// The two images the containers backend runs: registry.k8s.io's release images
// where they can be had (already in the engine, or pulled), otherwise images
// built here from the binaries auditspec setup finds or builds. Nothing can be
// pulled on an air-gapped machine, but a static Go binary needs no root
// filesystem: a `FROM scratch` image with the binary at the release image's
// path builds in about a second and runs the very same program.
//
// Local builds get their own names (auditspec.local/…) rather than the
// registry's, so nobody mistakes them for the published images; the backend
// picks, in order: an image the user named, the release image if the engine
// has it, the local build if the engine has it, else the release image (which
// the engine then tries to pull, with a message saying to run setup).
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeVersion } from '../../audit/types.js';
import type { Binaries } from '../../binaries/index.js';
import { type ServerRelease, serverRelease } from '../../binaries/versions.js';
import { ClusterError } from '../types.js';
import { dockerClient } from './runtime.js';

export type ImageRole = 'kube-apiserver' | 'etcd';

/** The images kubeadm runs for a release (e.g. kube-apiserver v1.36.4 and the etcd it ships with). */
export function releaseImages(release: ServerRelease): Record<ImageRole, string> {
  return {
    'kube-apiserver': `registry.k8s.io/kube-apiserver:${release.kubeApiserver}`,
    etcd: `registry.k8s.io/etcd:${release.etcd}-0`,
  };
}

/** The same programs, built on this machine from the binaries auditspec setup made for that release. */
export function localImages(release: ServerRelease): Record<ImageRole, string> {
  return {
    'kube-apiserver': `auditspec.local/kube-apiserver:${release.kubeApiserver}`,
    etcd: `auditspec.local/etcd:${release.etcd}-0`,
  };
}

/** Where the release images keep the binary, and so where ours do. */
const BINARY_PATH: Record<ImageRole, string> = {
  'kube-apiserver': '/usr/local/bin/kube-apiserver',
  etcd: '/usr/local/bin/etcd',
};

const PULL_TIMEOUT_MS = 120_000;

export interface ImageChoice {
  image: string;
  /** How it was chosen, for the run's log. */
  origin: 'named' | 'release image' | 'local build';
}

async function imageExists(name: string): Promise<boolean> {
  const { client, ImageName } = await dockerClient();
  return client.image.exists(ImageName.fromString(name));
}

/** The image a run of `kubeVersion` uses for `role` (see the order at the top of this file). */
export async function chooseImage(role: ImageRole, named: string | undefined, kubeVersion?: KubeVersion): Promise<ImageChoice> {
  if (named) return { image: named, origin: 'named' };
  const release = releaseImages(serverRelease(kubeVersion))[role];
  const local = localImages(serverRelease(kubeVersion))[role];
  if (await imageExists(release)) return { image: release, origin: 'release image' };
  if (await imageExists(local)) return { image: local, origin: 'local build' };
  return { image: release, origin: 'release image' };
}

async function tryPull(name: string, log: (line: string) => void): Promise<boolean> {
  const { client, ImageName } = await dockerClient();
  log(`pulling ${name}`);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${PULL_TIMEOUT_MS / 1000}s`)), PULL_TIMEOUT_MS);
  });
  try {
    await Promise.race([client.image.pull(ImageName.fromString(name)), timeout]);
    return imageExists(name);
  } catch (err) {
    log(`cannot pull ${name}: ${String((err as Error)?.message ?? err).split('\n')[0]}`);
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** Builds localImages(release)[role]: the static binary alone, at the release image's path. */
export async function buildLocalImage(role: ImageRole, binary: string, release: ServerRelease): Promise<string> {
  const { client } = await dockerClient();
  const name = localImages(release)[role];
  const version = role === 'etcd' ? release.etcd : release.kubeApiserver;
  const context = await mkdtemp(join(tmpdir(), 'auditspec-image-'));
  try {
    const inImage = BINARY_PATH[role];
    await mkdir(join(context, 'tmp'));
    await cp(binary, join(context, 'binary'));
    await writeFile(
      join(context, 'Dockerfile'),
      [
        '# Written by auditspec setup: the static binary alone, where the release image keeps it.',
        'FROM scratch',
        `COPY binary ${inImage}`,
        // kube-apiserver and etcd may write temporary files; scratch has no /tmp.
        'COPY tmp /tmp',
        'ENV PATH=/usr/local/bin',
        `LABEL io.auditspec.image=${role} io.auditspec.version=${version}`,
        `ENTRYPOINT ["${inImage}"]`,
        '',
      ].join('\n'),
    );
    await client.image.build(context, { t: name, dockerfile: 'Dockerfile' } as never);
    if (!(await imageExists(name))) {
      throw new ClusterError(`building ${name} did not produce the image`);
    }
    return name;
  } finally {
    await rm(context, { recursive: true, force: true });
  }
}

export interface PreparedImages {
  apiserver: ImageChoice;
  etcd: ImageChoice;
}

/**
 * `auditspec setup --cluster containers`: makes both images available. An image
 * the user named must already be there or be pullable; otherwise the release
 * image is used when present or pullable, and built here from `binaries` when not.
 */
export async function prepareImages(
  binaries: () => Promise<Binaries>,
  named: { apiserver?: string; etcd?: string },
  log: (line: string) => void,
  kubeVersion?: KubeVersion,
): Promise<PreparedImages> {
  const release = serverRelease(kubeVersion);
  const published = releaseImages(release);
  const prepare = async (role: ImageRole, name: string | undefined): Promise<ImageChoice> => {
    if (name) {
      if ((await imageExists(name)) || (await tryPull(name, log))) return { image: name, origin: 'named' };
      throw new ClusterError(`the image ${name} is not in the Docker engine and cannot be pulled`);
    }
    if ((await imageExists(published[role])) || (await tryPull(published[role], log))) {
      return { image: published[role], origin: 'release image' };
    }
    const found = await binaries();
    const binary = role === 'etcd' ? found.etcd : found.kubeApiserver;
    log(`building ${localImages(release)[role]} from ${binary}`);
    return { image: await buildLocalImage(role, binary, release), origin: 'local build' };
  };
  return { apiserver: await prepare('kube-apiserver', named.apiserver), etcd: await prepare('etcd', named.etcd) };
}
