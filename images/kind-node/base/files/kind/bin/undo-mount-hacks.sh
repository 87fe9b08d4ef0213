#!/bin/bash
# cgroup v1 only: the entrypoint may bind-mount a /proc/cgroups without the
# "misc" controller so systemd does not try to use it; once systemd is up the
# real file is wanted again (runc reads it).
set -o errexit -o nounset -o pipefail
[[ -f /sys/fs/cgroup/cgroup.controllers ]] && exit 0
umount /proc/cgroups 2>/dev/null || true
