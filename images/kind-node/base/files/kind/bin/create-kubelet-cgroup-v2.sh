#!/bin/bash
# cgroup v2 only, run by systemd before the kubelet: enable every available
# controller for the root, /kubelet and /kubelet.slice, so the kubelet can
# manage pods under cgroupRoot /kubelet.
set -o errexit -o nounset -o pipefail
if [[ ! -f /sys/fs/cgroup/cgroup.controllers ]]; then
  echo 'create-kubelet-cgroup-v2.sh: not a cgroup v2 node' >&2
  exit 1
fi
delegate() {
  local dir=/sys/fs/cgroup/$1 c
  for c in $(cat "$dir/cgroup.controllers"); do
    echo "+$c" >"$dir/cgroup.subtree_control"
  done
}
delegate .
for group in kubelet kubelet.slice; do
  mkdir -p "/sys/fs/cgroup/$group"
  delegate "$group"
done
