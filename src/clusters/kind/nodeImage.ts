// The kind node image for `--cluster kind`. Where kind's published image for
// Kubernetes v1.36.4 can be pulled, that is the image. Where it cannot (no
// registry: air-gapped sites, this project's CI), `auditspec setup --cluster
// kind` builds one here from the recipe in images/kind-node, following kind's
// own build (kind pkg/build/nodeimage: binaries into /usr/bin, /kind/version,
// images imported into the node's containerd, `docker commit`):
//
//   1. binaries    kube-apiserver and etcd (src/binaries), kubelet, kubeadm,
//                  kubectl, kube-controller-manager, kube-scheduler, pause and
//                  crictl (goTools.ts), all from Go modules, cached;
//   2. base        Debian bookworm by debootstrap (images/kind-node/rootfs.sh),
//                  `docker import`ed, then images/kind-node/base/Dockerfile:
//                  kind's layout (entrypoint, systemd units, containerd config);
//   3. components  one FROM-scratch image per static pod binary and pause,
//                  `docker save`d (images/kind-node/component, pause);
//   4. node        a container of the base gets the binaries and /kind/version,
//                  its containerd imports the saved images under the names
//                  kubeadm 1.36 asks for, and it is committed as
//                  auditspec/kind-node:v1.36.4.
//
// Each image carries a label with the hash of its recipe; a later setup finds
// an image with the same hash and builds nothing.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { KubeVersion } from '../../audit/types.js';
import { ensureBinaries } from '../../binaries/ensure.js';
import { ClusterError } from '../types.js';
import { type CommandResult, requireDocker, runCommand, type RunOptions, tail } from './commands.js';
import { auditspecCacheRoot, ensureCrictl, ensureNodeBinaries, type GoToolOptions } from './goTools.js';
import { type KindNodeVersions, kindNodeVersions, LOCAL_BASE_IMAGE, LOCAL_ROOTFS_IMAGE } from './versions.js';

export type Run = (command: string, args: readonly string[], options?: RunOptions) => Promise<CommandResult>;

/** The label holding the hash of the recipe an image was built from. */
export const RECIPE_LABEL = 'io.auditspec.kind-node.recipe';

/** images/kind-node, from src/clusters/kind and dist/clusters/kind alike. */
export function nodeImageRecipeDir(): string {
  return fileURLToPath(new URL('../../../images/kind-node/', import.meta.url));
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out.sort();
}

/** sha256 over the recipe files (names, modes, contents) and the versions they are built with. */
export async function recipeHash(paths: readonly string[], versions: readonly string[]): Promise<string> {
  const root = nodeImageRecipeDir();
  const hash = createHash('sha256');
  for (const top of paths) {
    const full = join(root, top);
    const files = (await stat(full)).isDirectory() ? await filesUnder(full) : [full];
    for (const file of files) {
      hash.update(`${relative(root, file)}\0${(await stat(file)).mode & 0o111 ? 'x' : '-'}\0`);
      hash.update(await readFile(file));
      hash.update('\0');
    }
  }
  hash.update(versions.join('\0'));
  return hash.digest('hex').slice(0, 16);
}

/** The images kubeadm 1.36 runs as static pods (and the sandbox), as the node's containerd must know them. */
export function kubeadmImages(versions: KindNodeVersions = kindNodeVersions()): { name: string; binary: string; tag: string; node: string }[] {
  const release = versions.server.kubeApiserver;
  const k8s = (name: string) => ({ name, binary: name, tag: release, node: `registry.k8s.io/${name}:${release}` });
  return [
    k8s('kube-apiserver'),
    k8s('kube-controller-manager'),
    k8s('kube-scheduler'),
    { name: 'etcd', binary: 'etcd', tag: versions.etcdTag, node: `registry.k8s.io/etcd:${versions.etcdTag}` },
    { name: 'pause', binary: 'pause', tag: versions.pauseTag, node: `registry.k8s.io/pause:${versions.pauseTag}` },
  ];
}

export interface NodeImageOptions extends GoToolOptions {
  /** The Kubernetes minor the node runs (default: the project default). */
  kubeVersion?: KubeVersion;
  /** Build even when a node image with this recipe exists. */
  force?: boolean;
  run?: Run;
}

class Docker {
  constructor(
    readonly run: Run,
    private readonly log: (line: string) => void,
  ) {}

  async ok(args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    const result = await this.run('docker', args, { timeoutMs: 30 * 60_000, ...options });
    if (result.code !== 0) {
      throw new ClusterError(`docker ${args.slice(0, 3).join(' ')} failed (exit ${result.code})`, tail(`${result.stdout}\n${result.stderr}`, 25));
    }
    return result;
  }

  /** The image's recipe label, or undefined when there is no such image. */
  async recipeOf(image: string): Promise<string | undefined> {
    const result = await this.run('docker', ['image', 'inspect', '--format', `{{ index .Config.Labels "${RECIPE_LABEL}" }}`, image], { timeoutMs: 60_000 });
    return result.code === 0 ? result.stdout.trim() : undefined;
  }

  /** The image's ID, or undefined when there is none. */
  async idOf(image: string): Promise<string | undefined> {
    const result = await this.run('docker', ['image', 'inspect', '--format', '{{.Id}}', image], { timeoutMs: 60_000 });
    return result.code === 0 ? result.stdout.trim() : undefined;
  }

  /**
   * Removes the images a rebuild replaced (their tags moved to the new ones),
   * children first. One still used, by a kept --reuse cluster say, stays.
   */
  async removeReplaced(previous: readonly (string | undefined)[], tags: readonly string[]): Promise<void> {
    const current = new Set(await Promise.all(tags.map((t) => this.idOf(t))));
    for (const id of previous) {
      if (id && !current.has(id)) await this.run('docker', ['rmi', id], { timeoutMs: 120_000 });
    }
  }

  /** Whether Docker holds `image` (false too when there is no Docker to ask). */
  async exists(image: string): Promise<boolean> {
    try {
      return (await this.run('docker', ['image', 'inspect', image], { timeoutMs: 60_000 })).code === 0;
    } catch {
      return false;
    }
  }

  /** `docker build` with the classic builder (BuildKit is not part of every engine, e.g. Debian's docker.io). */
  async build(context: string, tag: string, args: Record<string, string>, labels: Record<string, string>): Promise<void> {
    const flags = [
      ...Object.entries(args).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]),
      ...Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
    ];
    await this.ok(['build', '-q', '-t', tag, ...flags, context], { env: { ...process.env, DOCKER_BUILDKIT: '0' } });
  }

  exec(container: string, args: readonly string[], input?: Buffer): Promise<CommandResult> {
    return this.ok(['exec', ...(input ? ['-i'] : []), container, ...args], { input });
  }

  step(text: string): void {
    this.log(`kind node image: ${text}`);
  }
}

/** Step 2: the base image (Debian rootfs + kind's layout), unless one with this recipe exists. */
async function ensureBaseImage(docker: Docker, options: NodeImageOptions): Promise<string> {
  const recipe = await recipeHash(['rootfs.sh', 'base'], ['bookworm']);
  if (!options.force && (await docker.recipeOf(LOCAL_BASE_IMAGE)) === recipe) return recipe;
  const dir = join(auditspecCacheRoot(options.env), 'kind-node');
  await mkdir(dir, { recursive: true });
  const tarball = join(dir, `rootfs-${process.pid}.tar`);
  try {
    docker.step('Debian bookworm root filesystem (debootstrap; a few minutes)');
    const rootfs = await (options.run ?? runCommand)('sh', [join(nodeImageRecipeDir(), 'rootfs.sh'), tarball], {
      timeoutMs: 30 * 60_000,
    }).catch((err: Error) => ({ code: 127, stdout: '', stderr: err.message, stdoutBytes: Buffer.alloc(0) }));
    if (rootfs.code !== 0) {
      const missing = /debootstrap: (not found|command not found)/.test(rootfs.stderr);
      throw new ClusterError(
        missing
          ? 'building the kind node image needs debootstrap (apt-get install debootstrap) and root'
          : `images/kind-node/rootfs.sh failed (exit ${rootfs.code})`,
        tail(`${rootfs.stdout}\n${rootfs.stderr}`, 25),
      );
    }
    await docker.ok(['import', tarball, LOCAL_ROOTFS_IMAGE]);
  } finally {
    await rm(tarball, { force: true });
  }
  docker.step(`${LOCAL_BASE_IMAGE} (images/kind-node/base)`);
  await docker.build(join(nodeImageRecipeDir(), 'base'), LOCAL_BASE_IMAGE, { ROOTFS: LOCAL_ROOTFS_IMAGE }, { [RECIPE_LABEL]: recipe });
  return recipe;
}

/** Step 3: each component image built, saved to `dir`, and removed from Docker again. */
async function saveComponentImages(
  docker: Docker,
  versions: KindNodeVersions,
  binaries: Record<string, string>,
  dir: string,
): Promise<{ file: string; built: string; node: string }[]> {
  const saved: { file: string; built: string; node: string }[] = [];
  for (const image of kubeadmImages(versions)) {
    const context = join(dir, `context-${image.name}`);
    await mkdir(context, { recursive: true });
    const recipe = join(nodeImageRecipeDir(), image.name === 'pause' ? 'pause' : 'component', 'Dockerfile');
    await copyFile(recipe, join(context, 'Dockerfile'));
    await copyFile(binaries[image.binary], join(context, image.binary));
    // A name of our own on the host: the registry.k8s.io name is given inside the node only.
    const built = `auditspec-build/${image.name}:${image.tag}`;
    docker.step(`${image.node} (from ${binaries[image.binary]})`);
    await docker.build(context, built, image.name === 'pause' ? {} : { BINARY: image.binary }, {});
    const file = join(dir, `${image.name}.tar`);
    await docker.ok(['save', '-o', file, built]);
    await docker.ok(['rmi', built]);
    await rm(context, { recursive: true, force: true });
    saved.push({ file, built: `docker.io/${built}`, node: image.node });
  }
  return saved;
}

/** Step 4: binaries and images into a container of the base, committed as the node image. */
async function assembleNode(
  docker: Docker,
  versions: KindNodeVersions,
  files: { bin: Record<string, string>; images: { file: string; built: string; node: string }[] },
  recipe: string,
): Promise<void> {
  const container = `auditspec-kind-node-build-${process.pid}`;
  await docker.ok(['run', '-d', '--name', container, '--entrypoint', 'sleep', '--security-opt', 'seccomp=unconfined', LOCAL_BASE_IMAGE, 'infinity']);
  try {
    docker.step('kubelet, kubeadm, kubectl and crictl into the node');
    for (const [name, path] of Object.entries(files.bin)) {
      const target = name === 'crictl' ? `/usr/local/bin/${name}` : `/usr/bin/${name}`;
      await docker.ok(['cp', path, `${container}:${target}`]);
      await docker.exec(container, ['chown', 'root:root', target]);
      await docker.exec(container, ['chmod', '0755', target]);
    }
    await docker.exec(container, ['sh', '-c', `mkdir -p /kind && printf %s "$1" > /kind/version`, 'sh', versions.server.kubeApiserver]);

    docker.step('control-plane images into the node\'s containerd');
    await docker.exec(container, ['sh', '-c', 'nohup containerd >/tmp/containerd.log 2>&1 &']);
    let ready = false;
    for (let i = 0; i < 60 && !ready; i++) {
      ready = (await docker.run('docker', ['exec', container, 'ctr', 'version'], { timeoutMs: 30_000 })).code === 0;
      if (!ready) await sleep(500);
    }
    if (!ready) {
      const log = await docker.run('docker', ['exec', container, 'cat', '/tmp/containerd.log'], { timeoutMs: 30_000 });
      throw new ClusterError('containerd did not start in the node image build container', tail(log.stdout, 25));
    }
    for (const image of files.images) {
      // As kind imports: pinned (never garbage collected), not unpacked (the
      // node's snapshotter unpacks on first use).
      await docker.exec(
        container,
        ['ctr', '--namespace=k8s.io', 'images', 'import', '--label=io.cri-containerd.pinned=pinned', '--all-platforms', '--no-unpack', '--digests', '-'],
        await readFile(image.file),
      );
      await docker.exec(container, ['ctr', '--namespace=k8s.io', 'images', 'tag', '--force', image.built, image.node]);
      await docker.exec(container, ['ctr', '--namespace=k8s.io', 'images', 'rm', image.built]);
    }
    const listed = await docker.exec(container, ['ctr', '--namespace=k8s.io', 'images', 'list', '-q']);
    const missing = files.images.filter((i) => !listed.stdout.split('\n').includes(i.node));
    if (missing.length > 0) throw new ClusterError(`the node's containerd lacks ${missing.map((i) => i.node).join(', ')} after the import`, tail(listed.stdout));
    // Stop containerd and wait until it is gone (a zombie is gone: `sleep` as PID 1 reaps nothing).
    await docker.exec(container, [
      'sh',
      '-c',
      'pkill containerd; for i in $(seq 100); do ps -C containerd -o stat= | grep -qv Z || exit 0; sleep 0.2; done; exit 1',
    ]);
    await docker.exec(container, ['rm', '-f', '/tmp/containerd.log']);

    docker.step(`committing ${versions.localImage}`);
    await docker.ok([
      'commit',
      '--change', 'ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]',
      '--change', 'CMD []',
      '--change', `LABEL ${RECIPE_LABEL}=${recipe}`,
      container,
      versions.localImage,
    ]);
  } finally {
    await docker.run('docker', ['rm', '-f', '-v', container], { timeoutMs: 120_000 });
  }
}

export type NodeImageSource = 'present' | 'pulled' | 'built';

/**
 * The node image of the run's Kubernetes release: kind's published one (where
 * auditspec pins it) if Docker has it or can pull it; otherwise auditspec's
 * locally built one, building it first when missing.
 */
export async function ensureNodeImage(options: NodeImageOptions = {}): Promise<{ image: string; source: NodeImageSource }> {
  const run = options.run ?? runCommand;
  const log = options.log ?? (() => {});
  const versions = kindNodeVersions(options.kubeVersion);
  const published = versions.publishedImage;
  const local = versions.localImage;
  const docker = new Docker(run, log);
  await requireDocker(run);
  if (!options.force) {
    if (published && (await docker.exists(published))) return { image: published, source: 'present' };
    // Built here before, from this very recipe: nothing to pull or build.
    if ((await docker.recipeOf(local)) === (await nodeRecipe(versions))) return { image: local, source: 'present' };
    if (published) {
      log(`kind node image: pulling ${published}`);
      const pulled = await run('docker', ['pull', published], { timeoutMs: 20 * 60_000 });
      if (pulled.code === 0) return { image: published, source: 'pulled' };
      log(`kind node image: cannot pull it (${tail(pulled.stderr, 1)[0] ?? `exit ${pulled.code}`}); building ${local} here instead`);
    } else {
      log(`kind node image: no published image pinned for ${versions.server.kubeApiserver}; building ${local} here`);
    }
  }
  return { image: await buildNodeImage(docker, versions, options), source: 'built' };
}

/** The node image's recipe hash: every file of images/kind-node and the versions built in. */
export async function nodeRecipe(versions: KindNodeVersions): Promise<string> {
  const baseRecipe = await recipeHash(['rootfs.sh', 'base'], ['bookworm']);
  return recipeHash(
    ['rootfs.sh', 'base', 'component', 'pause'],
    [versions.server.kubeApiserver, versions.server.etcd, versions.crictl, versions.pauseTag, baseRecipe],
  );
}

async function buildNodeImage(docker: Docker, versions: KindNodeVersions, options: NodeImageOptions): Promise<string> {
  const started = Date.now();
  const recipe = await nodeRecipe(versions);
  const ours = [versions.localImage, LOCAL_BASE_IMAGE, LOCAL_ROOTFS_IMAGE];
  const previous = await Promise.all(ours.map((tag) => docker.idOf(tag)));
  // 1. binaries
  const server = await ensureBinaries({ log: options.log, env: options.env, kubeVersion: versions.server.minor });
  const node = await ensureNodeBinaries(versions, options);
  const crictl = await ensureCrictl(versions, options);
  // 2. base
  await ensureBaseImage(docker, options);
  // 3. components
  await mkdir(join(auditspecCacheRoot(options.env), 'kind-node'), { recursive: true });
  const work = await mkdtemp(join(auditspecCacheRoot(options.env), 'kind-node', 'build-'));
  try {
    const images = await saveComponentImages(
      docker,
      versions,
      { 'kube-apiserver': server.kubeApiserver, etcd: server.etcd, 'kube-controller-manager': node['kube-controller-manager'], 'kube-scheduler': node['kube-scheduler'], pause: node.pause },
      work,
    );
    // 4. node
    await assembleNode(docker, versions, { bin: { kubelet: node.kubelet, kubeadm: node.kubeadm, kubectl: node.kubectl, crictl }, images }, recipe);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  await docker.removeReplaced(previous, ours);
  docker.step(`${versions.localImage} built in ${Math.round((Date.now() - started) / 1000)}s`);
  return versions.localImage;
}

/**
 * The node image a run of `kubeVersion` uses when none is named: kind's
 * published one if Docker has it, else one built by `auditspec setup --cluster
 * kind`, else the published one (kind pulls it), or where none is pinned the
 * local one (whose absence kind reports with the setup command to run).
 */
export async function defaultNodeImage(run: Run = runCommand, kubeVersion?: KubeVersion): Promise<string> {
  const docker = new Docker(run, () => {});
  const { publishedImage, localImage } = kindNodeVersions(kubeVersion);
  if (publishedImage && (await docker.exists(publishedImage))) return publishedImage;
  if (await docker.exists(localImage)) return localImage;
  return publishedImage ?? localImage;
}

/** defaultNodeImage without a promise, for test-skip decisions made at import time. */
export function defaultNodeImageSync(kubeVersion?: KubeVersion): string {
  const has = (image: string) => spawnSync('docker', ['image', 'inspect', image], { stdio: 'ignore', timeout: 60_000 }).status === 0;
  const { publishedImage, localImage } = kindNodeVersions(kubeVersion);
  if (publishedImage && has(publishedImage)) return publishedImage;
  if (has(localImage)) return localImage;
  return publishedImage ?? localImage;
}
