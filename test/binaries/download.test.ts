// The envtest download path against a local HTTPS server (a CA made here): the
// index as controller-tools publishes it, a redirect as GitHub's release
// downloads answer with, the SHA-512 check, and ensureBinaries preferring the
// download to a Go build — with stand-in binaries (shell scripts that print a
// version), so it runs in milliseconds and never touches the internet.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadEnvtest } from '../../src/binaries/download.js';
import { ensureBinaries } from '../../src/binaries/ensure.js';
import { CertificateAuthority } from '../../src/clusters/common/pki.js';

const VERSION = 'v1.36.4';
const ARCHIVE = `envtest-${VERSION}-linux-amd64.tar.gz`;

function fakeBinary(path: string, versionLine: string): void {
  writeFileSync(path, `#!/bin/sh\necho '${versionLine}'\n`);
  chmodSync(path, 0o755);
}

describe('envtest download', () => {
  const dir = mkdtempSync(join(tmpdir(), 'auditspec-download-'));
  let server: Server;
  let base = '';
  let ca = '';
  const served = new Map<string, { status: number; body: Buffer | string; location?: string }>();
  const requests: string[] = [];
  let archive: Buffer;

  beforeAll(async () => {
    // An archive laid out as controller-tools publishes them.
    const tree = join(dir, 'tree', 'controller-tools', 'envtest');
    mkdirSync(tree, { recursive: true });
    fakeBinary(join(tree, 'kube-apiserver'), `Kubernetes ${VERSION}`);
    fakeBinary(join(tree, 'etcd'), 'etcd Version: 3.6.8\nGit SHA: x');
    fakeBinary(join(tree, 'kubectl'), 'Client Version: v1.36.4');
    execFileSync('tar', ['-czf', join(dir, ARCHIVE), '-C', join(dir, 'tree'), 'controller-tools']);
    archive = readFileSync(join(dir, ARCHIVE));
    const authority = await CertificateAuthority.create('download-test-ca');
    ca = authority.certificatePem;
    const serving = await authority.serving('localhost');
    server = createServer({ cert: serving.cert, key: serving.key }, (req, res) => {
      requests.push(req.url ?? '');
      const answer = served.get(req.url ?? '');
      if (!answer) return res.writeHead(404).end();
      res.writeHead(answer.status, answer.location ? { location: answer.location } : {}).end(answer.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  /** Serves an index naming the archive with `hash`; the archive's address redirects to where it is. */
  function publish(name: string, hash: string, version = VERSION): string {
    served.set(`/${name}/index.yaml`, {
      status: 200,
      body: [
        'releases:',
        `  ${version}:`,
        `    envtest-${version}-linux-amd64.tar.gz:`,
        `      hash: ${hash}`,
        `      selfLink: ${base}/${name}/download/${ARCHIVE}`,
        `    envtest-${version}-darwin-arm64.tar.gz:`,
        '      hash: 00',
        `      selfLink: ${base}/elsewhere`,
        '',
      ].join('\n'),
    });
    served.set(`/${name}/download/${ARCHIVE}`, { status: 302, body: '', location: `/${name}/objects/${ARCHIVE}` });
    served.set(`/${name}/objects/${ARCHIVE}`, { status: 200, body: archive });
    return `${base}/${name}/index.yaml`;
  }

  const sha512 = () => createHash('sha512').update(archive).digest('hex');

  it('finds the release in the index, follows the redirect, checks the SHA-512 and unpacks it', async () => {
    const indexUrl = publish('ok', sha512());
    const got = await downloadEnvtest({ indexUrl, version: VERSION, into: join(dir, 'ok'), os: 'linux', arch: 'amd64', ca });
    expect(got).toMatchObject({ ok: true });
    if (!got.ok) return;
    expect(got.dir).toBe(join(dir, 'ok', 'unpacked', 'controller-tools', 'envtest'));
    expect(execFileSync(join(got.dir, 'kube-apiserver'), ['--version']).toString()).toContain(VERSION);
    expect(requests).toContain(`/ok/objects/${ARCHIVE}`);
  });

  it('refuses an archive whose SHA-512 differs from the index, before unpacking it', async () => {
    const indexUrl = publish('tampered', '0'.repeat(128));
    const got = await downloadEnvtest({ indexUrl, version: VERSION, into: join(dir, 'tampered'), os: 'linux', arch: 'amd64', ca });
    expect(got).toEqual({ ok: false, reason: expect.stringMatching(/does not match the index's SHA-512 \(expected 0000000000000000…, got [0-9a-f]{16}…\): not used/) });
    expect(() => readFileSync(join(dir, 'tampered', 'unpacked', 'controller-tools', 'envtest', 'kube-apiserver'))).toThrow();
  });

  it('says what the index has when it lacks the release or the platform, and when the server is not there', async () => {
    const indexUrl = publish('other', sha512(), 'v1.36.2');
    const missing = await downloadEnvtest({ indexUrl, version: VERSION, into: join(dir, 'other'), os: 'linux', arch: 'amd64', ca });
    expect(missing).toEqual({ ok: false, reason: 'the envtest index has no v1.36.4 (it has v1.36.2)' });
    const platform = await downloadEnvtest({ indexUrl: publish('platform', sha512()), version: VERSION, into: join(dir, 'p'), os: 'plan9', arch: 'amd64', ca });
    expect(platform).toEqual({ ok: false, reason: 'the envtest index has v1.36.4 but no envtest-v1.36.4-plan9-amd64.tar.gz' });
    const untrusted = await downloadEnvtest({ indexUrl, version: VERSION, into: join(dir, 'u'), os: 'linux', arch: 'amd64' });
    expect(untrusted).toMatchObject({ ok: false, reason: expect.stringMatching(/^cannot read the envtest index .*certificate/) });
  });

  it('ensureBinaries takes the download before a Go build, into the cache', async () => {
    const indexUrl = publish('ensure', sha512());
    const home = join(dir, 'home');
    const lines: string[] = [];
    // No go on PATH: only the download can provide them.
    const env = { XDG_CACHE_HOME: join(home, 'cache'), PATH: ['/bin', '/usr/bin'].join(delimiter), HOME: home };
    const got = await ensureBinaries({ kubeVersion: '1.36', env, envtestIndex: indexUrl, downloadCa: ca, log: (l) => lines.push(l) });
    expect(got).toMatchObject({ source: 'downloaded', versions: { kubeApiserver: VERSION, etcd: '3.6.8' } });
    expect(got.kubeApiserver).toBe(join(home, 'cache', 'auditspec', 'bin', VERSION, 'kube-apiserver'));
    expect(lines.some((l) => l.startsWith('downloading '))).toBe(true);
    // Next time, from the cache.
    expect(await ensureBinaries({ kubeVersion: '1.36', env, envtestIndex: indexUrl, downloadCa: ca })).toMatchObject({ source: 'cache' });
  });

  it('ensureBinaries falls back to the Go build when the download cannot be had, and says why', async () => {
    const home = join(dir, 'home2');
    const lines: string[] = [];
    const env = { XDG_CACHE_HOME: join(home, 'cache'), PATH: ['/bin', '/usr/bin'].join(delimiter), HOME: home };
    const err = await ensureBinaries({ kubeVersion: '1.36', env, envtestIndex: `${base}/nothing-here.yaml`, downloadCa: ca, log: (l) => lines.push(l) }).catch((e: unknown) => e);
    expect(lines).toContain(`no download (cannot read the envtest index ${base}/nothing-here.yaml: ${base}/nothing-here.yaml answered HTTP 404); building from Go modules instead`);
    // And with no Go either, the familiar error naming every way out.
    expect((err as Error).message).toMatch(/no kube-apiserver v1\.36\.4 \(for --kube-version 1\.36\) and no Go toolchain/);
  });
});
