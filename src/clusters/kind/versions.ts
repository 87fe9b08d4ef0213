// The versions a kind run depends on, in one place: the kind CLI auditspec
// builds (and docs/ci.md and go/kindconfig-check use), the node image that kind
// release publishes for the Kubernetes release auditspec judges by, and what
// the locally built node image contains (kubeadm 1.36's image tags).
import { ETCD_VERSION, KUBE_APISERVER_VERSION } from '../../binaries/versions.js';

/** `go install sigs.k8s.io/kind@KIND_VERSION`; also go/kindconfig-check's and docs/ci.md's. */
export const KIND_VERSION = 'v0.33.0';
/** crictl for the locally built node image (sigs.k8s.io/cri-tools, the release matching Kubernetes 1.36). */
export const CRICTL_VERSION = 'v1.36.0';

/**
 * kind v0.33.0's published node image for Kubernetes v1.36.4 (its release
 * notes), pinned by digest as kind recommends: the same Kubernetes release the
 * offline evaluator is checked against.
 */
export const PUBLISHED_NODE_IMAGE =
  'kindest/node:v1.36.4@sha256:099e049362a1526b2db71494e1947aae99bd16290d7c895f2b7ea312e3cbfaed';

/** The node image `auditspec setup --cluster kind` builds where nothing can be pulled (images/kind-node). */
export const LOCAL_NODE_IMAGE = `auditspec/kind-node:${KUBE_APISERVER_VERSION}`;
/** Its base (rootfs + kind's layout), and the plain Debian import beneath it. */
export const LOCAL_BASE_IMAGE = 'auditspec/kind-base:bookworm';
export const LOCAL_ROOTFS_IMAGE = 'auditspec/kind-rootfs:bookworm';

/** kubeadm v1.36's image tags (cmd/kubeadm/app/constants: DefaultEtcdVersion, PauseVersion). */
export const KUBEADM_ETCD_TAG = `${ETCD_VERSION}-0`;
export const KUBEADM_PAUSE_TAG = '3.10.2';
