#!/bin/sh
# Loads the CANN environment when present (Ascend image), then runs the worker with the given arguments.
for env in /usr/local/Ascend/ascend-toolkit/set_env.sh /usr/local/Ascend/nnal/atb/set_env.sh; do
  # shellcheck disable=SC1090
  [ -f "$env" ] && . "$env"
done
cd /opt/voxcpm-worker || exit 1
exec python3 -m voxcpm_worker "$@"
