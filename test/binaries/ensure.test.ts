// ensureBinaries with stand-in binaries (shell scripts that print a version) and
// a stand-in `go` on PATH, so every source and the build path run in milliseconds.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { goBinariesModuleDir, goBuildArgs, kubeApiserverLdflags } from '../../src/binaries/build.js';
import { BinariesUnavailableError, ensureBinaries } from '../../src/binaries/ensure.js';
import { binariesCacheDir } from '../../src/binaries/cache.js';
import { serverRelease, serverReleases } from '../../src/binaries/versions.js';

function fakeBinary(path: string, versionLine: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, `#!/bin/sh\necho '${versionLine}'\n`);
  chmodSync(path, 0o755);
}

const API = 'Kubernetes v1.36.4';
const ETCD = 'etcd Version: 3.6.8\nGit SHA: x';

describe('ensureBinaries', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'auditspec-binaries-'));
    // An empty PATH apart from /bin (sh): no real go is found unless a test adds one.
    // No download either: these tests are about the other sources (download.test.ts has that one).
    env = { XDG_CACHE_HOME: join(dir, 'cache'), PATH: ['/bin', '/usr/bin'].join(delimiter), HOME: dir, AUDITSPEC_ENVTEST_INDEX: 'none' };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('prefers explicit paths, then KUBEBUILDER_ASSETS', async () => {
    fakeBinary(join(dir, 'flags', 'api'), API);
    fakeBinary(join(dir, 'assets', 'kube-apiserver'), API);
    fakeBinary(join(dir, 'assets', 'etcd'), ETCD);
    const got = await ensureBinaries({ kubeVersion: '1.36', apiserverBin: join(dir, 'flags', 'api'), env: { ...env, KUBEBUILDER_ASSETS: join(dir, 'assets') } });
    expect(got).toMatchObject({
      kubeApiserver: join(dir, 'flags', 'api'),
      etcd: join(dir, 'assets', 'etcd'),
      sources: { kubeApiserver: 'flag', etcd: 'KUBEBUILDER_ASSETS' },
      versions: { kubeApiserver: 'v1.36.4', etcd: '3.6.8' },
    });
  });

  it('warns about another version on an explicit path, and refuses a binary that does not run', async () => {
    fakeBinary(join(dir, 'api'), 'Kubernetes v1.35.0');
    fakeBinary(join(dir, 'etcd'), ETCD);
    const lines: string[] = [];
    await ensureBinaries({ kubeVersion: '1.36', apiserverBin: join(dir, 'api'), etcdBin: join(dir, 'etcd'), env, log: (l) => lines.push(l) });
    expect(lines.join('\n')).toMatch(/v1\.35\.0; auditspec judges against v1\.36\.4/);
    writeFileSync(join(dir, 'broken'), 'not a program');
    chmodSync(join(dir, 'broken'), 0o755);
    await expect(ensureBinaries({ kubeVersion: '1.36', apiserverBin: join(dir, 'broken'), etcdBin: join(dir, 'etcd'), env })).rejects.toThrow(
      BinariesUnavailableError,
    );
  });

  it('uses the cache only when the cached binaries report the pinned versions', async () => {
    const cache = binariesCacheDir(env, 'v1.36.4');
    expect(cache).toBe(join(dir, 'cache', 'auditspec', 'bin', 'v1.36.4'));
    fakeBinary(join(cache, 'kube-apiserver'), API);
    fakeBinary(join(cache, 'etcd'), ETCD);
    expect(await ensureBinaries({ kubeVersion: '1.36', env })).toMatchObject({ source: 'cache' });
    fakeBinary(join(cache, 'etcd'), 'etcd Version: 3.5.0');
    // A stale etcd needs a build, and there is no go: a clear error naming every way out.
    const err = await ensureBinaries({ kubeVersion: '1.36', env }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BinariesUnavailableError);
    expect((err as Error).message).toMatch(/no etcd 3\.6\.8 \(for --kube-version 1\.36\) and no Go toolchain.*--apiserver-bin\/--etcd-bin.*KUBEBUILDER_ASSETS/s);
  });

  it('builds what is missing with go into the cache, atomically and under a lock', async () => {
    const bin = join(dir, 'gobin');
    mkdirSync(bin);
    const calls = join(dir, 'go-calls');
    // A stand-in go: records its arguments and writes a binary that prints the right version at -o.
    writeFileSync(
      join(bin, 'go'),
      `#!/bin/sh
echo "$@" >> '${calls}'
out=""; prev=""
for a in "$@"; do [ "$prev" = "-o" ] && out="$a"; prev="$a"; done
echo k8s.io/some/package >&2
case "$*" in
  *kube-apiserver*) printf '#!/bin/sh\\necho Kubernetes v1.36.4\\n' > "$out" ;;
  *) printf '#!/bin/sh\\necho etcd Version: 3.6.8\\n' > "$out" ;;
esac
chmod +x "$out"
`,
    );
    chmodSync(join(bin, 'go'), 0o755);
    const moduleDir = join(dir, 'module');
    mkdirSync(moduleDir);
    writeFileSync(join(moduleDir, 'go.mod'), 'module x\n');
    mkdirSync(join(moduleDir, 'versions'));
    writeFileSync(join(moduleDir, 'versions', 'v1.36.4.mod'), 'module x\n');
    const buildEnv = { ...env, PATH: [bin, env.PATH].join(delimiter) };
    // A scratch folder left by a build that was killed (its pid is gone) is cleared.
    const abandoned = join(dir, 'cache', 'auditspec', 'bin', '.build-999999999-dead');
    mkdirSync(abandoned, { recursive: true });
    const lines: string[] = [];
    const got = await ensureBinaries({ kubeVersion: '1.36', env: buildEnv, goModuleDir: moduleDir, log: (l) => lines.push(l) });
    expect(got).toMatchObject({ source: 'built', kubeApiserver: join(binariesCacheDir(env, 'v1.36.4'), 'kube-apiserver') });
    const recorded = readFileSync(calls, 'utf8');
    expect(recorded).toContain('-trimpath');
    expect(recorded).toContain('k8s.io/kubernetes/cmd/kube-apiserver');
    expect(recorded).toContain('./cmd/etcd');
    expect(lines.some((l) => l.startsWith('building kube-apiserver'))).toBe(true);
    expect(existsSync(`${binariesCacheDir(env, 'v1.36.4')}.lock`)).toBe(false);
    expect(existsSync(abandoned)).toBe(false);
    // Nothing half-built is left beside the cache.
    expect(readFileSync(calls, 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
    // Second run: from the cache, no build.
    expect(await ensureBinaries({ kubeVersion: '1.36', env: buildEnv, goModuleDir: moduleDir })).toMatchObject({ source: 'cache' });
    expect(readFileSync(calls, 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
    // --force rebuilds.
    expect(await ensureBinaries({ kubeVersion: '1.36', env: buildEnv, goModuleDir: moduleDir, force: true })).toMatchObject({ source: 'built' });
  });

  describe('per --kube-version', () => {
      it("keeps each release in its own cache folder and takes only that release's binaries", async () => {
      const v136 = binariesCacheDir(env, 'v1.36.4');
      fakeBinary(join(v136, 'kube-apiserver'), API);
      fakeBinary(join(v136, 'etcd'), ETCD);
      const v133 = binariesCacheDir(env, 'v1.33.13');
      expect(v133).toBe(join(dir, 'cache', 'auditspec', 'bin', 'v1.33.13'));
      fakeBinary(join(v133, 'kube-apiserver'), 'Kubernetes v1.33.13');
      fakeBinary(join(v133, 'etcd'), 'etcd Version: 3.5.24');
      expect(await ensureBinaries({ env, kubeVersion: '1.33' })).toMatchObject({
        source: 'cache',
        kubeApiserver: join(v133, 'kube-apiserver'),
        versions: { kubeApiserver: 'v1.33.13', etcd: '3.5.24' },
        release: { minor: '1.33', kubeApiserver: 'v1.33.13', etcd: '3.5.24' },
      });
      expect(await ensureBinaries({ kubeVersion: '1.36', env })).toMatchObject({ kubeApiserver: join(v136, 'kube-apiserver') });
    });

    it('says which setup command prepares a version whose binaries are missing', async () => {
      const lines: string[] = [];
      const err = await ensureBinaries({ env, kubeVersion: '1.37', log: (l) => lines.push(l) }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BinariesUnavailableError);
      expect((err as Error).message).toContain('no kube-apiserver v1.37.2 (for --kube-version 1.37) and no Go toolchain');
      expect((err as Error).message).toContain('`auditspec setup --kube-version 1.37`');
      expect(lines.join('\n')).toContain('kube-apiserver v1.37.2 and etcd 3.7.0 are not in');
    });

    it('builds each release from its own modfile, which pins that release and the etcd it ships with', () => {
      const moduleDir = goBinariesModuleDir();
      for (const release of serverReleases()) {
        const args = goBuildArgs('etcd', '/o', release);
        const modfile = args.find((a) => a.startsWith('-modfile='))!.slice('-modfile='.length);
        expect(modfile).toBe(`versions/${release.kubeApiserver}.mod`);
        const mod = readFileSync(join(moduleDir, modfile), 'utf8');
        expect(mod).toMatch(new RegExp(`^\\tk8s\\.io/kubernetes ${release.kubeApiserver.replace(/\./g, '\\.')}$`, 'm'));
        expect(mod).toMatch(new RegExp(`^\\tgo\\.etcd\\.io/etcd/server/v3 v${release.etcd.replace(/\./g, '\\.')}$`, 'm'));
        // Every staging module at the release's v0.X.Y, or the build mixes releases.
        const staging = release.kubeApiserver.replace(/^v1\./, 'v0.');
        expect(mod).toContain(`k8s.io/apiserver => k8s.io/apiserver ${staging}`);
        expect(existsSync(join(moduleDir, modfile.replace(/\.mod$/, '.sum')))).toBe(true);
      }
      expect(kubeApiserverLdflags(serverRelease('1.33').kubeApiserver)).toContain('-X k8s.io/component-base/version.gitMinor=33');
    });
  });
});

describe('go build arguments', () => {
  it('builds from the go/binaries module shipped beside the code (package.json "files" has go/)', () => {
    const dir = goBinariesModuleDir();
    expect(dir.replace(/\/$/, '').endsWith(join('go', 'binaries'))).toBe(true);
    expect(existsSync(join(dir, 'go.mod'))).toBe(true);
    expect(existsSync(join(dir, 'cmd', 'etcd', 'main.go'))).toBe(true);
  });

  it('stamps the release into component-base and client-go, as an official build reports it', () => {
    const flags = kubeApiserverLdflags('v1.36.4');
    for (const pkg of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']) {
      expect(flags).toContain(`-X ${pkg}.gitVersion=v1.36.4`);
      expect(flags).toContain(`-X ${pkg}.gitMajor=1`);
      expect(flags).toContain(`-X ${pkg}.gitMinor=36`);
      expect(flags).toContain(`-X ${pkg}.gitTreeState=clean`);
      expect(flags).toMatch(new RegExp(`-X ${pkg.replace(/\./g, '\\.')}\\.buildDate=\\S+`));
    }
    expect(goBuildArgs('kube-apiserver', '/o', serverRelease('1.36'))).toEqual(
      expect.arrayContaining(['-trimpath', '-modfile=versions/v1.36.4.mod', '-o', '/o', 'k8s.io/kubernetes/cmd/kube-apiserver']),
    );
  });
});
