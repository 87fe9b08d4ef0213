// Builds what a kind node runs besides kube-apiserver and etcd (go/binaries):
// kubelet, kubeadm, kubectl, the other control-plane components and pause. This
// file only marks the module root: each supported Kubernetes release has its
// module graph in versions/<release>.mod (written by go/pin.sh), and every
// build names one with -modfile. See README.md.
module github.com/auditspec/auditspec/go/kind-node

go 1.26.0
