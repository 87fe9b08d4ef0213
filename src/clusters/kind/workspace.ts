// The host side of a kind cluster: one directory holding the policy directory
// mounted into the node and the audit log directory kube-apiserver writes to,
// plus a small record of what the cluster was created with (so a later run can
// tell whether it may reuse it).
//
// A throwaway cluster gets a temporary directory; a reusable one (--reuse, and
// `auditspec kind-config`) a fixed one per cluster name under the user's cache,
// because its mounts must outlive the run that created it.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { AUDIT_LOG_FILE_NAME, POLICY_FILE_NAME } from './config.js';

export interface KindWorkspace {
  root: string;
  policyDir: string;
  policyFile: string;
  auditLogDir: string;
  auditLogFile: string;
  /** JSON record of the cluster auditspec created (see KindClusterRecord). */
  recordFile: string;
}

export function kindWorkspace(root: string): KindWorkspace {
  return {
    root,
    policyDir: join(root, 'policy'),
    policyFile: join(root, 'policy', POLICY_FILE_NAME),
    auditLogDir: join(root, 'audit'),
    auditLogFile: join(root, 'audit', AUDIT_LOG_FILE_NAME),
    recordFile: join(root, 'cluster.json'),
  };
}

/** `${XDG_CACHE_HOME:-~/.cache}/auditspec/kind/<name>`: where a reusable cluster's mounts live. */
export function reusableWorkspaceRoot(clusterName: string, env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME !== '' ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'auditspec', 'kind', clusterName);
}

export async function createWorkspaceDirs(ws: KindWorkspace): Promise<void> {
  await mkdir(ws.policyDir, { recursive: true });
  // kube-apiserver runs as root in the node and creates its log 0600; the
  // directory stays the user's so the run can clean it up.
  await mkdir(ws.auditLogDir, { recursive: true });
}

/**
 * Writes the policy kube-apiserver will read. Rename makes the switch atomic:
 * kube-apiserver never reads half a file, and through the directory mount the
 * node sees the new file at once.
 */
export async function writeWorkspacePolicy(ws: KindWorkspace, text: string): Promise<void> {
  const partial = join(ws.policyDir, `.${POLICY_FILE_NAME}.partial-${process.pid}`);
  await writeFile(partial, text);
  await rename(partial, ws.policyFile);
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** What auditspec created a reusable cluster with. */
export interface KindClusterRecord {
  createdBy: 'auditspec';
  clusterName: string;
  nodeImage: string;
  /** sha256 of the rendered kind config (mount paths included). */
  configSha256: string;
  /** sha256 of the policy text kube-apiserver runs (with the sentinel rule). */
  policySha256: string;
}

export async function readRecord(ws: KindWorkspace): Promise<KindClusterRecord | undefined> {
  try {
    const parsed = JSON.parse(await readFile(ws.recordFile, 'utf8')) as Partial<KindClusterRecord>;
    if (parsed.createdBy !== 'auditspec' || typeof parsed.clusterName !== 'string') return undefined;
    return parsed as KindClusterRecord;
  } catch {
    return undefined;
  }
}

export async function writeRecord(ws: KindWorkspace, record: KindClusterRecord): Promise<void> {
  await writeFile(ws.recordFile, `${JSON.stringify(record, null, 2)}\n`);
}
