#!/usr/bin/env node
// Regenerates one supported version's built-in resource catalogue,
// src/catalog/versions/<minor>.ts, from a real kube-apiserver's discovery.
//
// Usage: node scripts/generate-builtin-resources.mjs <kube-apiserver> <etcd>
//   (e.g. the binaries `auditspec setup --kube-version X` built into
//   ~/.cache/auditspec/bin/<release>/). The minor version, and so the file
//   written, is what `kube-apiserver --version` says.
//
// It starts etcd and kube-apiserver on loopback twice, RBAC off (AlwaysAllow):
//   1. with kube-apiserver's defaults: what a stock cluster serves;
//   2. with --runtime-config=api/all=true and all alpha/beta feature gates on:
//      everything kube-apiserver can serve at all.
// and walks /api, /apis and every group version's resource list. Resources seen
// only in run 2 are marked enabledByDefault: false. Nothing is taken from memory:
// every field in the catalogue is what discovery said.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [apiserverBin, etcdBin] = process.argv.slice(2);
if (!apiserverBin || !etcdBin) {
  console.error('usage: generate-builtin-resources.mjs <kube-apiserver> <etcd>');
  process.exit(2);
}
const VERSION = execFileSync(apiserverBin, ['--version'], { encoding: 'utf8' }).trim().replace(/^Kubernetes /, '');
const MINOR = /^v(\d+\.\d+)\./.exec(VERSION)?.[1];
if (!MINOR) {
  console.error(`cannot read a version from ${apiserverBin} --version: ${VERSION}`);
  process.exit(2);
}
const OUT = fileURLToPath(new URL(`../src/catalog/versions/${MINOR}.ts`, import.meta.url));
const TOKEN = 'catalogue-generator-token';

function get(port, ca, path) {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, ca, headers: { authorization: `Bearer ${TOKEN}`, accept: 'application/json' } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => {
          if (res.statusCode !== 200) reject(new Error(`${path}: ${res.statusCode} ${body}`));
          else if (/json/.test(res.headers['content-type'] ?? '')) resolve(JSON.parse(body));
          else resolve(body);
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** SIGTERM, then SIGKILL if the process is still there after 10 s. */
async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function withApiserver(extraArgs, fn) {
  const dir = mkdtempSync(join(tmpdir(), 'auditspec-catalogue-'));
  // Ports away from the usual 2379/6443 neighbourhoods so other local clusters are left alone.
  const etcdPort = 34000 + Math.floor(Math.random() * 1000);
  const port = 37000 + Math.floor(Math.random() * 1000);
  execFileSync('openssl', ['genrsa', '-out', join(dir, 'sa.key'), '2048'], { stdio: 'ignore' });
  writeFileSync(join(dir, 'tokens.csv'), `${TOKEN},admin,admin,system:masters\n`);
  const etcd = spawn(etcdBin, [
    '--data-dir', join(dir, 'etcd'),
    '--listen-client-urls', `http://127.0.0.1:${etcdPort}`,
    '--advertise-client-urls', `http://127.0.0.1:${etcdPort}`,
    '--listen-peer-urls', `http://127.0.0.1:${etcdPort + 1000}`,
    '--initial-advertise-peer-urls', `http://127.0.0.1:${etcdPort + 1000}`,
    '--initial-cluster', `default=http://127.0.0.1:${etcdPort + 1000}`,
  ], { stdio: ['ignore', 'ignore', 'ignore'] });
  const apiserver = spawn(apiserverBin, [
    '--etcd-servers', `http://127.0.0.1:${etcdPort}`,
    '--bind-address', '127.0.0.1',
    '--advertise-address', '127.0.0.1',
    '--secure-port', String(port),
    '--cert-dir', join(dir, 'certs'),
    '--authorization-mode', 'AlwaysAllow',
    '--token-auth-file', join(dir, 'tokens.csv'),
    '--service-account-issuer', 'https://auditspec.invalid',
    '--service-account-key-file', join(dir, 'sa.key'),
    '--service-account-signing-key-file', join(dir, 'sa.key'),
    '--service-cluster-ip-range', '10.0.0.0/24',
    ...extraArgs,
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  apiserver.stderr.on('data', (c) => (log = (log + c).slice(-20000)));
  try {
    let ca;
    for (let i = 0; ; i++) {
      if (apiserver.exitCode !== null) throw new Error(`kube-apiserver exited:\n${log}`);
      if (i > 240) throw new Error(`kube-apiserver not ready after 2 minutes:\n${log}`);
      await sleep(500);
      try {
        ca ??= readFileSync(join(dir, 'certs', 'apiserver.crt'));
        await get(port, ca, '/readyz');
        break;
      } catch {
        /* not yet */
      }
    }
    return await fn((path) => get(port, ca, path));
  } finally {
    await stop(apiserver);
    await stop(etcd);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Group versions in discovery's priority order, and every resource list. */
async function discover(get) {
  const groups = [{ name: '', versions: (await get('/api')).versions }];
  for (const g of (await get('/apis')).groups) {
    // /apis lists the preferred version first-class; versions are in priority order.
    groups.push({ name: g.name, versions: g.versions.map((v) => v.version), preferred: g.preferredVersion.version });
  }
  const lists = [];
  for (const g of groups) {
    for (const version of g.versions) {
      const path = g.name === '' ? `/api/${version}` : `/apis/${g.name}/${version}`;
      lists.push({ group: g.name, version, resources: (await get(path)).resources });
    }
  }
  return { groups, lists };
}

function catalogue({ groups, lists }) {
  const byKey = new Map();
  for (const g of groups) {
    for (const version of g.versions) {
      const list = lists.find((l) => l.group === g.name && l.version === version);
      for (const r of list.resources) {
        const [resource, sub] = r.name.split('/');
        const key = `${g.name}/${resource}`;
        let entry = byKey.get(key);
        if (!entry) {
          entry = { group: g.name, resource, version: undefined, versions: [], kind: '', namespaced: r.namespaced, verbs: [], shortNames: [], subresources: new Map() };
          byKey.set(key, entry);
        }
        if (!entry.versions.includes(version)) entry.versions.push(version);
        // The first version in priority order that serves the resource is the one clients use.
        const first = entry.version === undefined || entry.version === version;
        if (entry.version === undefined) entry.version = version;
        if (sub) {
          if (first && !entry.subresources.has(sub)) entry.subresources.set(sub, { name: sub, kind: r.kind, verbs: [...(r.verbs ?? [])].sort() });
        } else if (first) {
          entry.kind = r.kind;
          entry.namespaced = r.namespaced;
          entry.verbs = [...(r.verbs ?? [])].sort();
          entry.shortNames = [...(r.shortNames ?? [])];
        }
      }
    }
  }
  return byKey;
}

const stock = catalogue(await withApiserver([], discover));
const everything = catalogue(
  await withApiserver(['--runtime-config=api/all=true', '--feature-gates=AllAlpha=true,AllBeta=true'], discover),
);

const entries = [];
for (const [key, e] of everything) {
  const s = stock.get(key);
  const chosen = s ?? e;
  entries.push({
    group: chosen.group,
    version: chosen.version,
    versions: e.versions,
    resource: chosen.resource,
    kind: chosen.kind,
    namespaced: chosen.namespaced,
    verbs: chosen.verbs,
    shortNames: chosen.shortNames,
    subresources: [...(s ?? e).subresources.values()].sort((a, b) => (a.name < b.name ? -1 : 1)),
    enabledByDefault: s !== undefined,
  });
}
for (const [key] of stock) if (!everything.has(key)) throw new Error(`${key} served by default but not with everything on`);
entries.sort((a, b) => (a.group === b.group ? (a.resource < b.resource ? -1 : 1) : a.group < b.group ? -1 : 1));

const version = VERSION;
const lines = entries.map((e) => `  ${JSON.stringify(e)},`);
writeFileSync(
  OUT,
  `// GENERATED by scripts/generate-builtin-resources.mjs from kube-apiserver ${version}'s discovery
// (/api, /apis and every group version). Do not edit by hand; rerun the script.
import type { BuiltinResource } from '../types.js';

export const CATALOGUE_KUBE_VERSION = '${version}';

export const BUILTIN_RESOURCE_DATA: readonly BuiltinResource[] = [
${lines.join('\n')}
];
`,
);
console.log(`wrote ${entries.length} resources (${entries.filter((e) => e.enabledByDefault).length} enabled by default) to ${OUT}`);
