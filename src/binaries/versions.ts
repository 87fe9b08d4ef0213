// The releases end-to-end runs use, per supported kube-apiserver minor: the
// Kubernetes patch release the offline evaluator is checked against for that
// minor, and the etcd that release ships with. kube-apiserver is the oracle
// for every offline decision, so an end-to-end run on --kube-version X must
// use X's very release; etcd is the version kubeadm of that release deploys
// (DefaultEtcdVersion in cmd/kubeadm/app/constants/constants.go at the tag,
// the same as build/dependencies.yaml's "etcd" entry).
import { DEFAULT_KUBE_VERSION, type KubeVersion } from '../audit/types.js';

export interface ServerRelease {
  /** "1.33": the minor users name with --kube-version. */
  minor: KubeVersion;
  /** k8s.io/kubernetes release, e.g. v1.33.13: what kube-apiserver --version prints. */
  kubeApiserver: string;
  /** etcd release without the v, e.g. 3.5.24: what etcd --version prints. */
  etcd: string;
}

/** Oldest first. Each row has a go/binaries/versions/<kubeApiserver>.mod to build from (go/binaries/pin.sh). */
const SERVER_RELEASES: readonly ServerRelease[] = [
  { minor: '1.33', kubeApiserver: 'v1.33.13', etcd: '3.5.24' },
  { minor: '1.34', kubeApiserver: 'v1.34.12', etcd: '3.6.5' },
  { minor: '1.35', kubeApiserver: 'v1.35.8', etcd: '3.6.6' },
  { minor: '1.36', kubeApiserver: 'v1.36.4', etcd: '3.6.8' },
  { minor: '1.37', kubeApiserver: 'v1.37.2', etcd: '3.7.0' },
];

export class UnknownServerReleaseError extends Error {
  override name = 'UnknownServerReleaseError';
}

/** The releases an end-to-end run can use for `minor` (default: the project default). */
export function serverRelease(minor: KubeVersion = DEFAULT_KUBE_VERSION): ServerRelease {
  const release = SERVER_RELEASES.find((r) => r.minor === minor);
  if (!release) {
    throw new UnknownServerReleaseError(
      `no kube-apiserver release is pinned for ${minor}; end to end supports ${SERVER_RELEASES.map((r) => r.minor).join(', ')}`,
    );
  }
  return release;
}

export function serverReleases(): readonly ServerRelease[] {
  return SERVER_RELEASES;
}

/** The default version's kube-apiserver release. */
export const KUBE_APISERVER_VERSION = serverRelease().kubeApiserver;
/** The etcd the default version ships with. */
export const ETCD_VERSION = serverRelease().etcd;

/** What `kube-apiserver --version` prints for the pinned release. */
export function kubeApiserverVersionFrom(output: string): string | undefined {
  return /Kubernetes (v\d+\.\d+\.\d+\S*)/.exec(output)?.[1];
}

/** What `etcd --version` prints first: "etcd Version: 3.6.8". */
export function etcdVersionFrom(output: string): string | undefined {
  return /etcd Version:\s*(\d+\.\d+\.\d+\S*)/.exec(output)?.[1];
}
