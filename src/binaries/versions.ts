// The releases end-to-end runs use, per supported kube-apiserver minor: the
// Kubernetes patch release the offline evaluator is checked against for that
// minor, and the etcd that release ships with. kube-apiserver is the oracle
// for every offline decision, so an end-to-end run on --kube-version X must
// use X's very release; etcd is the version kubeadm of that release deploys
// (DefaultEtcdVersion in cmd/kubeadm/app/constants/constants.go at the tag,
// the same as build/dependencies.yaml's "etcd" entry).
import { DEFAULT_KUBE_VERSION, KUBE_RELEASES, type KubeVersion, kubeRelease } from '../audit/kubeVersions.js';

export interface ServerRelease {
  /** "1.33": the minor users name with --kube-version. */
  minor: KubeVersion;
  /** k8s.io/kubernetes release, e.g. v1.33.13: what kube-apiserver --version prints. */
  kubeApiserver: string;
  /** etcd release without the v, e.g. 3.5.24: what etcd --version prints. */
  etcd: string;
}

/**
 * The etcd each minor's pinned release ships with. Keyed by the KubeVersion
 * type, so a version added to src/audit/kubeVersions.ts does not compile
 * until its etcd is named here (and go/binaries/pin.sh has written its modfile).
 */
const SHIPPED_ETCD: Record<KubeVersion, string> = {
  '1.33': '3.5.24',
  '1.34': '3.6.5',
  '1.35': '3.6.6',
  '1.36': '3.6.8',
  '1.37': '3.7.0',
};

/** The releases an end-to-end run uses for `minor` (default: the project default). */
export function serverRelease(minor: KubeVersion = DEFAULT_KUBE_VERSION): ServerRelease {
  return { minor, kubeApiserver: kubeRelease(minor).kubernetes, etcd: SHIPPED_ETCD[minor] };
}

/** Every supported minor's, oldest first. */
export function serverReleases(): ServerRelease[] {
  return KUBE_RELEASES.map((r) => serverRelease(r.minor));
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
