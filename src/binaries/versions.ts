// The exact versions auditspec judges against. kube-apiserver is the oracle for
// every offline decision, so end-to-end runs must use this very release; etcd is
// the version kube-apiserver v1.36 is tested with.

export const KUBE_APISERVER_VERSION = 'v1.36.4';
export const ETCD_VERSION = '3.6.8';

/** What `kube-apiserver --version` prints for the pinned release. */
export function kubeApiserverVersionFrom(output: string): string | undefined {
  return /Kubernetes (v\d+\.\d+\.\d+\S*)/.exec(output)?.[1];
}

/** What `etcd --version` prints first: "etcd Version: 3.6.8". */
export function etcdVersionFrom(output: string): string | undefined {
  return /etcd Version:\s*(\d+\.\d+\.\d+\S*)/.exec(output)?.[1];
}
