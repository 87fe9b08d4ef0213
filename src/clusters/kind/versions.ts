// The versions a kind run depends on, in one place: the kind CLI auditspec
// builds (and docs/ci.md and go/kindconfig-check use), and per Kubernetes
// release what its node contains: kind's published node image where auditspec
// knows its digest, and for the node image built here the crictl and the
// image tags that release's kubeadm asks for.
import type { KubeVersion } from '../../audit/kubeVersions.js';
import { type ServerRelease, serverRelease } from '../../binaries/versions.js';

/** `go install sigs.k8s.io/kind@KIND_VERSION`; also go/kindconfig-check's and docs/ci.md's. */
export const KIND_VERSION = 'v0.33.0';

interface NodeRelease {
  /**
   * kind's published node image of this very release, pinned by digest as kind
   * recommends. Only where the digest is known from kind's release notes;
   * without it the node image is built here (images/kind-node).
   */
  published?: string;
  /** crictl in the built node (sigs.k8s.io/cri-tools; only some releases are Go modules on the proxy, and crictl tolerates skew). */
  crictl: string;
  /** kubeadm's PauseVersion at the release's tag (cmd/kubeadm/app/constants). */
  pause: string;
}

const NODE_RELEASES: Record<KubeVersion, NodeRelease> = {
  '1.33': { crictl: 'v1.34.0', pause: '3.10' },
  '1.34': { crictl: 'v1.34.0', pause: '3.10.1' },
  '1.35': { crictl: 'v1.34.0', pause: '3.10.1' },
  '1.36': {
    // kind v0.33.0's release notes.
    published: 'kindest/node:v1.36.4@sha256:099e049362a1526b2db71494e1947aae99bd16290d7c895f2b7ea312e3cbfaed',
    crictl: 'v1.36.0',
    pause: '3.10.2',
  },
  '1.37': { crictl: 'v1.37.0', pause: '3.10.2' },
};

/** Everything a kind node of one Kubernetes release is made of. */
export interface KindNodeVersions {
  server: ServerRelease;
  /** kind's published image, when auditspec pins one for this release. */
  publishedImage?: string;
  /** The node image `auditspec setup --cluster kind` builds where nothing can be pulled (images/kind-node). */
  localImage: string;
  crictl: string;
  /** kubeadm's tags: etcd as DefaultEtcdVersion writes it, and pause. */
  etcdTag: string;
  pauseTag: string;
}

export function kindNodeVersions(kubeVersion?: KubeVersion): KindNodeVersions {
  const server = serverRelease(kubeVersion);
  const node = NODE_RELEASES[server.minor];
  return {
    server,
    publishedImage: node.published,
    localImage: `auditspec/kind-node:${server.kubeApiserver}`,
    crictl: node.crictl,
    etcdTag: `${server.etcd}-0`,
    pauseTag: node.pause,
  };
}

/** The base of every locally built node (rootfs + kind's layout), and the plain Debian import beneath it: the same for every release. */
export const LOCAL_BASE_IMAGE = 'auditspec/kind-base:bookworm';
export const LOCAL_ROOTFS_IMAGE = 'auditspec/kind-rootfs:bookworm';
