#!/bin/sh
# Writes <module>/versions/<kubernetes version>.mod and .sum: the module graph
# that builds that module's programs at one Kubernetes release. Every build
# names one with `go build -modfile=versions/<v>.mod`; the module's go.mod only
# marks its root.
#
#   ./pin.sh binaries v1.33.13 3.5.24   kube-apiserver, and etcd as the release ships it
#   ./pin.sh kind-node v1.33.13         kubelet, kubeadm, kubectl, … for a kind node
#
# The etcd version is the one the release ships: DefaultEtcdVersion in
# cmd/kubeadm/app/constants/constants.go (also build/dependencies.yaml) at that
# tag. k8s.io/kubernetes points its staging modules at ./staging in its own
# go.mod, and a dependency's replace directives are ignored, so each staging
# module is replaced here by its published v0.X.Y.
set -eu
module=$1
kube=$2
etcd=${3:-}
cd "$(dirname "$0")/$module"
name=$(sed -n 's/^module //p' go.mod)
staging=$(go mod download -json "k8s.io/kubernetes@$kube" | sed -n 's/^\t"GoMod": "\(.*\)",$/\1/p')
[ -f "$staging" ] || { echo "pin.sh: cannot download k8s.io/kubernetes@$kube" >&2; exit 1; }
minor=v0.${kube#v1.}
out=versions/$kube.mod
{
  echo "// Kubernetes $kube${etcd:+ and etcd $etcd} (written by go/pin.sh; go mod tidy fills in the rest)."
  echo "module $name"
  echo
  # The release's own language version and GODEBUG defaults, so the binary behaves as the release's build does.
  sed -n 's/^go \(.*\)$/go \1/p; s/^godebug \(.*\)$/godebug \1/p' "$staging"
  echo
  echo "require ("
  [ -z "$etcd" ] || echo "	go.etcd.io/etcd/server/v3 v$etcd"
  echo "	k8s.io/kubernetes $kube"
  echo ")"
  echo
  echo "replace ("
  sed -n 's#^\t\(k8s.io/[a-z0-9-]*\) => ./staging/src/k8s.io/[a-z0-9-]*$#\t\1 => \1 '"$minor"'#p' "$staging"
  echo ")"
} > "$out"
rm -f "versions/$kube.sum"
go mod tidy -modfile="$out"
echo "wrote $module/$out"
