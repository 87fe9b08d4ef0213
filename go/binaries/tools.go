//go:build tools

// Keeps kube-apiserver's main package in this module's dependency graph so that
// `go mod tidy` records every module it needs in go.sum.
package binaries

import _ "k8s.io/kubernetes/cmd/kube-apiserver"
