#!/bin/sh
# Runs the worker's Python unit tests (called by the npu-bridge Maven build in the test phase).
# Needs Debian's python3 with python3-grpcio, python3-grpc-tools and python3-numpy; where they are
# missing the tests are skipped with a message rather than failing the Java build.
PY="${VOXCPM_WORKER_PYTHON:-/usr/bin/python3}"
cd "$(dirname "$0")" || exit 1
if [ ! -x "$PY" ] || ! "$PY" -c "import grpc, grpc_tools, numpy" 2>/dev/null; then
  echo "SKIPPED: worker tests need $PY with grpcio, grpcio-tools and numpy" \
       "(Debian: apt-get install python3-grpcio python3-grpc-tools python3-numpy)"
  exit 0
fi
exec "$PY" tests/run_all.py "$@"
