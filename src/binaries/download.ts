// kube-apiserver and etcd the way the Kubernetes ecosystem fetches them for
// tests: the envtest release archives that controller-tools publishes and
// setup-envtest downloads (controller-runtime's tools/setup-envtest). An index
// (envtest-releases.yaml) lists, per Kubernetes release, one archive per
// platform with its SHA-512 and address:
//
//   releases:
//     v1.36.4:
//       envtest-v1.36.4-linux-amd64.tar.gz:
//         hash: <sha512, hex>
//         selfLink: https://…/envtest-v1.36.4-linux-amd64.tar.gz
//
// and each archive holds controller-tools/envtest/{kube-apiserver,etcd,kubectl}.
// Only an exact release is taken (auditspec judges against one patch release),
// the archive is checked against its hash before anything is unpacked, and a
// failure at any step is a reason to fall back to the Go build, never an error.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { request } from 'node:https';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parse } from 'yaml';

/** Where setup-envtest reads the index of envtest releases. */
export const ENVTEST_INDEX_URL = 'https://raw.githubusercontent.com/kubernetes-sigs/controller-tools/HEAD/envtest-releases.yaml';

const REDIRECTS = 5;

export interface EnvtestDownloadOptions {
  /** The index (default ENVTEST_INDEX_URL). */
  indexUrl?: string;
  /** e.g. v1.36.4 */
  version: string;
  /** Folder to download and unpack into (created). */
  into: string;
  /** Go's names: linux/amd64, darwin/arm64… (default: this machine's). */
  os?: string;
  arch?: string;
  /** Extra CA certificates to trust (tests; a proxy's own CA). */
  ca?: string;
  /** Per connection attempt, and the whole download's idle limit. */
  timeoutMs?: number;
  log?: (line: string) => void;
}

export type EnvtestDownload =
  | { ok: true; dir: string; archive: string }
  | { ok: false; reason: string };

const GO_ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', ppc64: 'ppc64le', s390x: 's390x' };
const GO_OS: Record<string, string> = { linux: 'linux', darwin: 'darwin', win32: 'windows' };

/** GET with redirects followed; rejects on a non-2xx answer. */
function get(url: string, options: EnvtestDownloadOptions, redirects = REDIRECTS): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', ca: options.ca, timeout: options.timeoutMs ?? 30_000 }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        if (redirects === 0) return reject(new Error(`too many redirects from ${url}`));
        return resolve(get(new URL(res.headers.location, url).toString(), options, redirects - 1));
      }
      if (status < 200 || status >= 300) {
        res.resume();
        return reject(new Error(`${url} answered HTTP ${status}`));
      }
      resolve(res);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within ${(options.timeoutMs ?? 30_000) / 1000}s`)));
    req.on('error', reject);
    req.end();
  });
}

async function text(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

interface IndexEntry {
  hash?: string;
  selfLink?: string;
}

/** Downloads and unpacks the envtest archive of `version`, or says why it cannot. */
export async function downloadEnvtest(options: EnvtestDownloadOptions): Promise<EnvtestDownload> {
  const log = options.log ?? (() => {});
  const indexUrl = options.indexUrl ?? ENVTEST_INDEX_URL;
  const os = options.os ?? GO_OS[process.platform] ?? process.platform;
  const arch = options.arch ?? GO_ARCH[process.arch] ?? process.arch;
  const name = `envtest-${options.version}-${os}-${arch}.tar.gz`;
  let index: { releases?: Record<string, Record<string, IndexEntry>> };
  try {
    // Every value a string (YAML's failsafe schema): a hash of digits only must not turn into a number.
    index = parse(await text(await get(indexUrl, options)), { schema: 'failsafe' }) ?? {};
  } catch (err) {
    return { ok: false, reason: `cannot read the envtest index ${indexUrl}: ${(err as Error).message}` };
  }
  const release = index.releases?.[options.version];
  const entry = release?.[name];
  if (!entry?.selfLink || !entry.hash) {
    const near = Object.keys(index.releases ?? {})
      .filter((v) => v.startsWith(options.version.replace(/\.\d+$/, '.')))
      .sort();
    return {
      ok: false,
      reason: release
        ? `the envtest index has ${options.version} but no ${name}`
        : `the envtest index has no ${options.version}${near.length > 0 ? ` (it has ${near.join(', ')})` : ''}`,
    };
  }
  await mkdir(options.into, { recursive: true });
  const archive = join(options.into, name);
  const hash = createHash('sha512');
  log(`downloading ${entry.selfLink}`);
  try {
    const res = await get(entry.selfLink, options);
    res.on('data', (chunk: Buffer) => hash.update(chunk));
    await pipeline(res, createWriteStream(archive));
  } catch (err) {
    return { ok: false, reason: `cannot download ${entry.selfLink}: ${(err as Error).message}` };
  }
  const actual = hash.digest('hex');
  if (actual !== entry.hash.toLowerCase()) {
    return { ok: false, reason: `${name} does not match the index's SHA-512 (expected ${entry.hash.slice(0, 16)}…, got ${actual.slice(0, 16)}…): not used` };
  }
  const dir = join(options.into, 'unpacked');
  await mkdir(dir, { recursive: true });
  try {
    await promisify(execFile)('tar', ['-xzf', archive, '-C', dir], { timeout: 120_000 });
  } catch (err) {
    return { ok: false, reason: `cannot unpack ${name}: ${(err as Error).message.split('\n')[0]}` };
  }
  // controller-tools/envtest/ in the archives published so far; any one folder holding both will do.
  const found = await findBinaries(dir);
  if (!found) return { ok: false, reason: `${name} holds no kube-apiserver and etcd` };
  return { ok: true, dir: found, archive };
}

async function findBinaries(dir: string, depth = 3): Promise<string | undefined> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = new Set(entries.filter((e) => e.isFile()).map((e) => e.name));
  if (names.has('kube-apiserver') && names.has('etcd')) return dir;
  if (depth === 0) return undefined;
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const found = await findBinaries(join(dir, e.name), depth - 1);
    if (found) return found;
  }
  return undefined;
}
