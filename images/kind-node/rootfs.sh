#!/bin/sh
# The root filesystem of auditspec's kind node base image, from Debian packages:
# what kind's images/base/Dockerfile installs on top of debian-slim (systemd,
# the container runtime, iptables and the tools kind's entrypoint and kubeadm
# call), with Debian's own containerd, runc and CNI plugins instead of kind's
# from-source builds. Run as root; writes a tarball for `docker import`.
#
#   rootfs.sh <output.tar> [mirror]
set -eu
out=$1
mirror=${2:-http://deb.debian.org/debian}
suite=bookworm

packages="
  systemd systemd-sysv dbus
  containerd runc containernetworking-plugins
  conntrack iptables nftables iproute2 ethtool
  util-linux mount kmod libseccomp2
  bash ca-certificates procps jq
"

root=$(mktemp -d "${TMPDIR:-/tmp}/auditspec-kind-rootfs.XXXXXX")
cleanup() {
  # debootstrap leaves /proc and /sys mounted when it fails half-way.
  for m in proc sys dev/pts dev; do umount -l "$root/$m" 2>/dev/null || true; done
  rm -rf "$root"
}
trap cleanup EXIT INT TERM

debootstrap --variant=minbase --include="$(echo $packages | tr ' ' ',')" "$suite" "$root" "$mirror"

# Nothing of the package manager's caches or docs is needed on a node.
chroot "$root" apt-get clean
# Each package's copyright file stays (/usr/share/doc/<package>/copyright).
find "$root"/usr/share/doc -mindepth 1 ! -type d ! -name copyright -delete
rm -rf "$root"/var/lib/apt/lists/* "$root"/usr/share/man/* \
  "$root"/usr/share/locale/* "$root"/var/cache/debconf/*-old "$root"/var/log/*.log
# Debian's containerd unit starts it with its own defaults; the node's is
# /etc/systemd/system/containerd.service (files/), enabled by the Dockerfile.
rm -f "$root"/etc/systemd/system/multi-user.target.wants/containerd.service

tar --numeric-owner -C "$root" -cf "$out" .
