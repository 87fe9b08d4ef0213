// Programs a kind run needs that auditspec builds from Go modules into its
// cache, like kube-apiserver and etcd (src/binaries):
//
// - kind itself: `go install sigs.k8s.io/kind@KIND_VERSION`, so the version is
//   the one auditspec's config and docs are written for;
// - for a node image built here (nodeImage.ts): crictl (`go install
//   sigs.k8s.io/cri-tools/cmd/crictl@CRICTL_VERSION`) and, from go/kind-node,
//   kubelet, kubeadm, kubectl, kube-controller-manager, kube-scheduler (stamped
//   v1.36.4 as a release build is) and pause.
//
// Each is built once; a later call finds it in the cache.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kubeApiserverLdflags } from '../../binaries/build.js';
import { binariesCacheRoot } from '../../binaries/cache.js';
import { acquireLock } from '../../binaries/lock.js';
import { runCommand } from './commands.js';
import { KIND_VERSION, type KindNodeVersions } from './versions.js';

export interface GoToolOptions {
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

/** `${XDG_CACHE_HOME:-~/.cache}/auditspec`. */
export function auditspecCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return join(binariesCacheRoot(env), '..');
}

/** Where `kind` KIND_VERSION is installed: `~/.cache/auditspec/kind-cli/v0.33.0/kind`. */
export function cachedKindPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(auditspecCacheRoot(env), 'kind-cli', KIND_VERSION, 'kind');
}

/** Where the node's own binaries of a release are built: `~/.cache/auditspec/kind-node/v1.36.4/bin`. */
export function nodeBinariesDir(env: NodeJS.ProcessEnv, kubernetes: string): string {
  return join(auditspecCacheRoot(env), 'kind-node', kubernetes, 'bin');
}

/** go/kind-node, from src/clusters/kind and dist/clusters/kind alike. */
export function kindNodeModuleDir(): string {
  return fileURLToPath(new URL('../../../go/kind-node/', import.meta.url));
}

/** The programs go/kind-node builds, with the package each comes from. */
export const NODE_PROGRAMS = {
  kubelet: 'k8s.io/kubernetes/cmd/kubelet',
  kubeadm: 'k8s.io/kubernetes/cmd/kubeadm',
  kubectl: 'k8s.io/kubernetes/cmd/kubectl',
  'kube-controller-manager': 'k8s.io/kubernetes/cmd/kube-controller-manager',
  'kube-scheduler': 'k8s.io/kubernetes/cmd/kube-scheduler',
  pause: './cmd/pause',
} as const;
export type NodeProgram = keyof typeof NODE_PROGRAMS;

function elapsed(since: number): string {
  const s = Math.round((Date.now() - since) / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** Runs `go args…` in `cwd` (CGO off, static binaries), reporting progress; rejects with go's last lines. */
export async function runGo(args: readonly string[], cwd: string, what: string, options: GoToolOptions = {}): Promise<void> {
  const log = options.log ?? (() => {});
  const started = Date.now();
  const child = spawn('go', [...args], { cwd, env: { ...(options.env ?? process.env), CGO_ENABLED: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const keep = (chunk: Buffer) => output.push(...chunk.toString('utf8').split('\n').filter((l) => l.trim() !== ''));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  log(`building ${what} with go…`);
  const timer = setInterval(() => log(`  ${what}: ${elapsed(started)} elapsed`), 30_000);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', (err: NodeJS.ErrnoException) =>
        reject(err.code === 'ENOENT' ? new Error(`cannot build ${what}: go is not installed (or not on PATH)`) : err),
      );
      child.on('close', resolve);
    });
    if (code !== 0) throw new Error(`go ${args[0]} of ${what} failed (exit ${code}):\n${output.slice(-30).join('\n')}`);
  } finally {
    clearInterval(timer);
  }
  log(`built ${what} in ${elapsed(started)}`);
}

/** The first line a program prints for `args`, or undefined when it does not run. */
async function versionLine(path: string, args: readonly string[]): Promise<string | undefined> {
  if (!existsSync(path)) return undefined;
  try {
    const result = await runCommand(path, args, { timeoutMs: 30_000 });
    return result.code === 0 ? `${result.stdout}${result.stderr}`.trim().split('\n')[0] : undefined;
  } catch {
    return undefined;
  }
}

/** `go install <pkg>@<version>` into `dir` (GOBIN), atomically: a half-written binary is never found. */
async function goInstall(pkgAtVersion: string, dir: string, name: string, options: GoToolOptions): Promise<string> {
  await mkdir(dir, { recursive: true });
  const staging = join(dir, `.install-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging);
  try {
    await runGo(['install', '-trimpath', '-ldflags', '-s -w', pkgAtVersion], dir, pkgAtVersion, {
      ...options,
      env: { ...(options.env ?? process.env), GOBIN: staging },
    });
    await rename(join(staging, name), join(dir, name));
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return join(dir, name);
}

async function withCacheLock<T>(name: string, options: GoToolOptions, body: () => Promise<T>): Promise<T> {
  const root = auditspecCacheRoot(options.env);
  await mkdir(root, { recursive: true });
  const release = await acquireLock(join(root, `${name}.lock`), {
    onWait: (owner) => options.log?.(`waiting for another auditspec build of ${name} to finish (lock held by ${owner})…`),
  });
  try {
    return await body();
  } finally {
    await release();
  }
}

/** kind KIND_VERSION from the cache, built there first when missing. */
export async function ensureKind(options: GoToolOptions = {}): Promise<string> {
  const path = cachedKindPath(options.env);
  const wanted = (line: string | undefined) => line?.startsWith(`kind ${KIND_VERSION} `) ?? false;
  if (wanted(await versionLine(path, ['version']))) return path;
  return withCacheLock('kind-cli', options, async () => {
    if (wanted(await versionLine(path, ['version']))) return path;
    const built = await goInstall(`sigs.k8s.io/kind@${KIND_VERSION}`, join(path, '..'), 'kind', options);
    const line = await versionLine(built, ['version']);
    if (!wanted(line)) throw new Error(`built ${built} but it reports "${line}", not kind ${KIND_VERSION}`);
    return built;
  });
}

/** The release's crictl in its node binaries' directory, built when missing. */
export async function ensureCrictl(versions: KindNodeVersions, options: GoToolOptions = {}): Promise<string> {
  const dir = nodeBinariesDir(options.env ?? process.env, versions.server.kubeApiserver);
  const path = join(dir, 'crictl');
  if (existsSync(path)) return path;
  return withCacheLock('kind-node', options, async () =>
    existsSync(path) ? path : goInstall(`sigs.k8s.io/cri-tools/cmd/crictl@${versions.crictl}`, dir, 'crictl', options),
  );
}

/** Whether every node program is in the cache and the Kubernetes ones report `kubernetes`. */
async function nodeBinariesReady(dir: string, kubernetes: string): Promise<boolean> {
  for (const name of Object.keys(NODE_PROGRAMS) as NodeProgram[]) {
    if (!existsSync(join(dir, name))) return false;
  }
  const line = await versionLine(join(dir, 'kubelet'), ['--version']);
  return line === `Kubernetes ${kubernetes}`;
}

/** The `go build` arguments for every node program of `kubernetes`, from go/kind-node's modfile of that release. */
export function nodeBuildArgs(kubernetes: string, outputDir: string): string[] {
  return ['build', '-trimpath', `-modfile=versions/${kubernetes}.mod`, '-ldflags', kubeApiserverLdflags(kubernetes), '-o', `${outputDir}/`, ...Object.values(NODE_PROGRAMS)];
}

/** kubelet, kubeadm, kubectl, kube-controller-manager, kube-scheduler and pause of the release, built from go/kind-node when missing. */
export async function ensureNodeBinaries(versions: KindNodeVersions, options: GoToolOptions = {}): Promise<Record<NodeProgram, string>> {
  const kubernetes = versions.server.kubeApiserver;
  const dir = nodeBinariesDir(options.env ?? process.env, kubernetes);
  const paths = Object.fromEntries(Object.keys(NODE_PROGRAMS).map((n) => [n, join(dir, n)])) as Record<NodeProgram, string>;
  if (await nodeBinariesReady(dir, kubernetes)) return paths;
  return withCacheLock('kind-node', options, async () => {
    if (await nodeBinariesReady(dir, kubernetes)) return paths;
    const staging = join(dir, '..', `.build-${process.pid}`);
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
    try {
      // One `go build` for all of them: packages they share compile once.
      await runGo(
        nodeBuildArgs(kubernetes, staging),
        kindNodeModuleDir(),
        `kubelet, kubeadm, kubectl, kube-controller-manager, kube-scheduler and pause ${kubernetes} (many minutes on a small machine)`,
        options,
      );
      await mkdir(dir, { recursive: true });
      for (const name of Object.keys(NODE_PROGRAMS)) await rename(join(staging, name), join(dir, name));
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
    if (!(await nodeBinariesReady(dir, kubernetes))) throw new Error(`built the node binaries into ${dir} but kubelet does not report ${kubernetes}`);
    return paths;
  });
}
