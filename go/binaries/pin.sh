#!/bin/sh
# Writes versions/<kubernetes version>.mod and .sum: the module graph that
# builds kube-apiserver at that release and etcd at the version the release
# ships with. `go build -modfile=versions/<v>.mod` (src/binaries/build.ts) uses
# them; go.mod beside this script only marks the module root.
#
#   ./pin.sh v1.33.13 3.5.24
#
# The etcd version is the one the release ships: DefaultEtcdVersion in
# cmd/kubeadm/app/constants/constants.go (also build/dependencies.yaml) at that
# tag. k8s.io/kubernetes points its staging modules at ./staging in its own
# go.mod, and a dependency's replace directives are ignored, so each staging
# module is replaced here by its published v0.X.Y.
set -eu
kube=$1
etcd=$2
cd "$(dirname "$0")"
staging=$(go mod download -json "k8s.io/kubernetes@$kube" | sed -n 's/^\t"GoMod": "\(.*\)",$/\1/p')
[ -f "$staging" ] || { echo "pin.sh: cannot download k8s.io/kubernetes@$kube" >&2; exit 1; }
minor=v0.${kube#v1.}
out=versions/$kube.mod
{
  echo "// kube-apiserver $kube and etcd $etcd (written by pin.sh; go mod tidy fills in the rest)."
  echo "module github.com/auditspec/auditspec/go/binaries"
  echo
  # The release's own language version and GODEBUG defaults, so the binary behaves as the release's build does.
  sed -n 's/^go \(.*\)$/go \1/p; s/^godebug \(.*\)$/godebug \1/p' "$staging"
  echo
  echo "require ("
  echo "	go.etcd.io/etcd/server/v3 v$etcd"
  echo "	k8s.io/kubernetes $kube"
  echo ")"
  echo
  echo "replace ("
  sed -n 's#^\t\(k8s.io/[a-z0-9-]*\) => ./staging/src/k8s.io/[a-z0-9-]*$#\t\1 => \1 '"$minor"'#p' "$staging"
  echo ")"
} > "$out"
rm -f "versions/$kube.sum"
go mod tidy -modfile="$out"
echo "wrote $out"
