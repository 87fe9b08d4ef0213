// The kind cluster configuration auditspec runs: clusters/kind/audit-cluster.yaml
// in the package (kind's auditing recipe, one kubeadm patch per kubeadm API
// version) with its ${AUDITSPEC_...} placeholders filled in.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { kindNodeVersions } from './versions.js';

/** Where the policy directory is mounted in the node, and the file kube-apiserver reads. */
export const NODE_POLICY_DIR = '/etc/kubernetes/policies';
export const NODE_POLICY_FILE = `${NODE_POLICY_DIR}/audit-policy.yaml`;
/** Where the audit log directory is mounted in the node, and the log kube-apiserver writes. */
export const NODE_AUDIT_LOG_DIR = '/var/log/kubernetes';
export const NODE_AUDIT_LOG_FILE = `${NODE_AUDIT_LOG_DIR}/kube-apiserver-audit.log`;
/** The file names inside the host directories that are mounted there. */
export const POLICY_FILE_NAME = 'audit-policy.yaml';
export const AUDIT_LOG_FILE_NAME = 'kube-apiserver-audit.log';

/**
 * The default version's node image: kind v0.33.0's published one, pinned by
 * digest, where versions.ts has it, else the one `auditspec setup --cluster
 * kind` builds. A run without --image picks per version (nodeImage.ts).
 */
export const DEFAULT_NODE_IMAGE = kindNodeVersions().publishedImage ?? kindNodeVersions().localImage;
export const DEFAULT_CLUSTER_NAME = 'auditspec';

export interface KindConfigValues {
  clusterName: string;
  nodeImage: string;
  /** Absolute host directory holding audit-policy.yaml. */
  policyDir: string;
  /** Absolute host directory kube-apiserver's audit log is written to. */
  auditLogDir: string;
}

const PLACEHOLDERS: Record<string, keyof KindConfigValues> = {
  AUDITSPEC_CLUSTER_NAME: 'clusterName',
  AUDITSPEC_NODE_IMAGE: 'nodeImage',
  AUDITSPEC_POLICY_DIR: 'policyDir',
  AUDITSPEC_AUDIT_LOG_DIR: 'auditLogDir',
};

/** clusters/kind/audit-cluster.yaml, found from src/clusters/kind and dist/clusters/kind alike. */
export function kindConfigTemplateFile(): string {
  return fileURLToPath(new URL('../../../clusters/kind/audit-cluster.yaml', import.meta.url));
}

/** A valid kind cluster name (kind: a DNS label, since it prefixes container names). */
export function isValidClusterName(name: string): boolean {
  return /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) && name.length <= 50;
}

/**
 * The template with every placeholder replaced. Placeholders only ever sit
 * inside double-quoted YAML strings, so each value is inserted JSON-escaped
 * (a JSON string body is a valid YAML double-quoted body).
 */
export function renderKindConfig(values: KindConfigValues, template = readFileSync(kindConfigTemplateFile(), 'utf8')): string {
  if (!isValidClusterName(values.clusterName)) {
    throw new Error(`"${values.clusterName}" is not a valid kind cluster name (lowercase letters, digits and "-")`);
  }
  for (const key of ['policyDir', 'auditLogDir'] as const) {
    if (!values[key].startsWith('/')) throw new Error(`${key} must be an absolute path (got ${values[key]})`);
  }
  const used = new Set<string>();
  const text = template.replace(/\$\{(\w+)\}/g, (_, name: string) => {
    const key = PLACEHOLDERS[name];
    if (!key) throw new Error(`${kindConfigTemplateFile()} uses \${${name}}, which auditspec does not fill in`);
    used.add(name);
    return JSON.stringify(values[key]).slice(1, -1);
  });
  const missing = Object.keys(PLACEHOLDERS).filter((name) => !used.has(name));
  if (missing.length > 0) throw new Error(`the kind config template lacks \${${missing.join('}, ${')}}`);
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new Error(`the rendered kind config is not valid YAML: ${doc.errors[0].message}`);
  return text;
}
