// Builds kube-apiserver and etcd from the Go module beside this package
// (go/binaries), at the versions one of its modfiles pins:
// go/binaries/versions/<kube-apiserver release>.mod, one per supported minor
// (go build -modfile), so every release builds from the same two main packages. It takes many minutes on a
// small machine, so progress is reported while `go` works.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BinaryKind } from './check.js';
import type { ServerRelease } from './versions.js';

/** go/binaries, found from this file both in the sources (src/binaries) and the build (dist/binaries). */
export function goBinariesModuleDir(): string {
  return fileURLToPath(new URL('../../go/binaries/', import.meta.url));
}

/** `-X` stamps so the built binary reports the release it was built from, as an official build does. */
export function kubeApiserverLdflags(version: string): string {
  const match = /^v(\d+)\.(\d+)\./.exec(version);
  if (!match) throw new Error(`not a Kubernetes version: ${version}`);
  const [, major, minor] = match;
  const stamps: string[] = [];
  for (const pkg of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']) {
    stamps.push(
      `-X ${pkg}.gitVersion=${version}`,
      `-X ${pkg}.gitMajor=${major}`,
      `-X ${pkg}.gitMinor=${minor}`,
      `-X ${pkg}.gitTreeState=clean`,
      `-X ${pkg}.buildDate=1970-01-01T00:00:00Z`,
    );
  }
  return ['-s', '-w', ...stamps].join(' ');
}

/** The modfile, relative to go/binaries, that pins `release`. */
export function releaseModfile(release: ServerRelease): string {
  return `versions/${release.kubeApiserver}.mod`;
}

/** The `go build` arguments that produce `kind` of `release` at `output`. */
export function goBuildArgs(kind: BinaryKind, output: string, release: ServerRelease): string[] {
  const common = ['build', '-v', '-trimpath', `-modfile=${releaseModfile(release)}`];
  if (kind === 'kube-apiserver') {
    return [...common, '-ldflags', kubeApiserverLdflags(release.kubeApiserver), '-o', output, 'k8s.io/kubernetes/cmd/kube-apiserver'];
  }
  return [...common, '-ldflags', '-s -w', '-o', output, './cmd/etcd'];
}

export class GoNotFoundError extends Error {
  override name = 'GoNotFoundError';
}

export interface BuildOptions {
  moduleDir?: string;
  env?: NodeJS.ProcessEnv;
  /** Progress lines (go's package list is summarised, errors are passed through). */
  log?: (line: string) => void;
  /** How often to report elapsed time while go is quiet. */
  progressEveryMs?: number;
}

function formatElapsed(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** Runs `go build` for one binary of `release`; rejects with go's own output when it fails. */
export async function goBuild(kind: BinaryKind, output: string, release: ServerRelease, options: BuildOptions = {}): Promise<void> {
  const moduleDir = options.moduleDir ?? goBinariesModuleDir();
  if (!existsSync(`${moduleDir}/go.mod`) || !existsSync(`${moduleDir}/${releaseModfile(release)}`)) {
    throw new Error(
      `cannot build ${kind} ${kind === 'etcd' ? release.etcd : release.kubeApiserver}: ${moduleDir}/${releaseModfile(release)} is missing (is the auditspec package complete?)`,
    );
  }
  const log = options.log ?? (() => {});
  const started = Date.now();
  // CGO off: no C toolchain needed, and it is how Kubernetes releases these binaries.
  const env = { ...(options.env ?? process.env), CGO_ENABLED: '0' };
  const child = spawn('go', goBuildArgs(kind, output, release), { cwd: moduleDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let packages = 0;
  const diagnostics: string[] = [];
  const onLine = (line: string) => {
    // `go build -v` names each package as it compiles it; anything else is a diagnostic.
    if (/^[\w.-]+(\.[\w-]+)*(\/[\w.~+-]+)*$/.test(line) && !line.includes(' ')) {
      packages += 1;
    } else if (line.trim() !== '') {
      diagnostics.push(line);
      log(`  go: ${line}`);
    }
  };
  let pending = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    lines.forEach(onLine);
  });
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => chunk.split('\n').forEach(onLine));
  log(`building ${kind} ${kind === 'etcd' ? release.etcd : release.kubeApiserver} with go (this takes several minutes on a small machine)…`);
  const timer = setInterval(() => {
    log(`  ${kind}: ${packages} packages compiled, ${formatElapsed(Date.now() - started)} elapsed`);
  }, options.progressEveryMs ?? 15_000);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') {
          reject(new GoNotFoundError('go is not installed (or not on PATH)'));
        } else {
          reject(err);
        }
      });
      child.on('close', (exitCode) => resolve(exitCode));
    });
    if (pending) onLine(pending);
    if (code !== 0) {
      throw new Error(`go build of ${kind} failed (exit ${code}):\n${diagnostics.slice(-40).join('\n')}`);
    }
  } finally {
    clearInterval(timer);
  }
  log(`built ${kind} in ${formatElapsed(Date.now() - started)}`);
}
