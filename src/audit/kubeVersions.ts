// The kube-apiserver minor versions whose policy behaviour auditspec
// reproduces. One list, read by every command's --kube-version (check, diff,
// eval, explain, record, replay), so adding a version is one edit here plus
// the behaviour it brings (validation, catalog).
import { DEFAULT_KUBE_VERSION, type KubeVersion } from './types.js';

export const SUPPORTED_KUBE_VERSIONS: readonly KubeVersion[] = [DEFAULT_KUBE_VERSION];

export function isSupportedKubeVersion(version: string): version is KubeVersion {
  return (SUPPORTED_KUBE_VERSIONS as readonly string[]).includes(version);
}
