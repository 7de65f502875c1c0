#!/bin/bash
# Loads the CANN environment when present (Ascend image), then runs the worker with the given arguments.
#
# CANN's set_env.sh files are bash scripts (`function`, `[[ ]]`, `${BASH_SOURCE[0]}`): sourced from dash,
# Ubuntu's /bin/sh, they abort the container with "Syntax error". So this script is bash, and re-runs itself
# under bash when someone starts it as `sh voxcpm-worker` (a wrapper or an orchestrator's command override).
# The check below is plain POSIX, so dash gets that far before it would read anything bash-only.
if [ -z "${BASH_VERSION:-}" ]; then
  exec bash "$0" "$@"
fi

ascend_home=${VOXCPM_ASCEND_HOME:-/usr/local/Ascend}
worker_home=${VOXCPM_WORKER_HOME:-/opt/voxcpm-worker}

# The set_env.sh files read "$@" as their own options (the NNAL one takes --cxx_abi=0|1 and otherwise asks
# the installed torch which C++ ABI it was built with): hand them an empty argument list, not the worker's.
worker_args=("$@")
set --
for env in "$ascend_home/ascend-toolkit/set_env.sh" "$ascend_home/nnal/atb/set_env.sh"; do
  if [ -f "$env" ]; then
    # shellcheck source=/dev/null
    # A non-zero status from the last line of a set_env.sh is not an error: the worker itself reports
    # a missing device or library precisely (exit codes 4 and 7).
    source "$env" || echo "voxcpm-worker: $env returned status $?" >&2
  fi
done

cd "$worker_home" || exit 1
exec python3 -m voxcpm_worker "${worker_args[@]}"
