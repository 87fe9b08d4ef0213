// Builds kube-apiserver and etcd from Go modules, so the end-to-end runs need
// neither Docker nor downloaded release binaries. This file only marks the
// module root: each supported Kubernetes release has its own module graph in
// versions/<release>.mod (written by pin.sh), and every build names one with
// -modfile. See README.md beside this file.
module github.com/auditspec/auditspec/go/binaries

go 1.26.0
