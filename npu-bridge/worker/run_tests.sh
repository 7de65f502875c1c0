#!/bin/sh
# Builds the worker's gRPC stubs and runs its Python tests (the npu-bridge Maven build calls it twice:
# "--stubs-only" before the Java tests, which start real worker processes, then with no argument).
# Needs python3 with grpcio, grpcio-tools and numpy (Debian: python3-grpcio python3-grpc-tools
# python3-numpy), and openssl for the TLS tests. Where they are missing: outside CI the tests are skipped
# with a message; in CI (CI=true, or VOXCPM_CI=1 as .ci/run sets) the build fails, so a CI image without
# them cannot pass silently.
PY="${VOXCPM_WORKER_PYTHON:-/usr/bin/python3}"
cd "$(dirname "$0")" || exit 1
if [ ! -x "$PY" ] || ! "$PY" -c "import grpc, grpc_tools, numpy" 2>/dev/null || ! command -v openssl >/dev/null; then
  what="worker tests need $PY with grpcio, grpcio-tools and numpy, and openssl (Debian: apt-get install python3-grpcio python3-grpc-tools python3-numpy openssl)"
  case "${CI:-}${VOXCPM_CI:-}" in
    *true*|*1*|*yes*) echo "FAILED: $what; CI must have them" >&2; exit 1 ;;
  esac
  echo "SKIPPED: $what"
  exit 0
fi
"$PY" -m voxcpm_worker.build_protos || exit 1
[ "${1:-}" = "--stubs-only" ] && exit 0
exec "$PY" tests/run_all.py "$@"
