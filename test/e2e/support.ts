// Shared by the end-to-end tests (*.e2e.ts, the e2e Vitest project): the real
// binaries, or the reason they cannot be had (then the tests skip and say why).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { KubeVersion } from '../../src/audit/kubeVersions.js';
import { type Binaries, ensureBinaries } from '../../src/binaries/index.js';

export async function obtainBinaries(kubeVersion?: KubeVersion): Promise<{ binaries?: Binaries; reason?: string }> {
  try {
    return { binaries: await ensureBinaries({ kubeVersion, log: (line) => process.stderr.write(`${line}\n`) }) };
  } catch (err) {
    return { reason: `kube-apiserver/etcd unavailable, end-to-end tests skipped: ${(err as Error).message}` };
  }
}

/** Writes policy files into a fresh temp folder; returns name → path. */
export function writePolicies(policies: Record<string, string>): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'auditspec-e2e-policies-'));
  // Called at a test file's top level: removed when that file is done.
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const paths: Record<string, string> = {};
  for (const [name, text] of Object.entries(policies)) {
    paths[name] = join(dir, `${name}.yaml`);
    writeFileSync(paths[name], text);
  }
  return paths;
}
