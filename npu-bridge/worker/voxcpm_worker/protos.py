"""Python stubs for the worker protocol, generated from the .proto files at run time.

Generated code is never committed: the .proto in npu-bridge/src/main/proto is the single source of
truth shared with the Java client, so the stubs are (re)built into a build directory whenever the
sources change. The directory is keyed by a hash of the sources, so concurrent processes (tests start
several workers at once) never see a half-written tree.
"""
from __future__ import annotations

import hashlib
import importlib
import os
import shutil
import sys
import tempfile
from pathlib import Path

_WORKER_ROOT = Path(__file__).resolve().parent.parent

#: Directory holding voxcpm_worker.proto (the shared protocol).
PROTO_DIR = Path(os.environ.get("VOXCPM_WORKER_PROTO_DIR",
                                _WORKER_ROOT.parent / "src" / "main" / "proto"))
#: Directory holding the restated grpc.health.v1 proto.
HEALTH_PROTO_DIR = Path(os.environ.get("VOXCPM_WORKER_HEALTH_PROTO_DIR", _WORKER_ROOT / "proto"))
#: Where generated stubs go (gitignored).
BUILD_DIR = Path(os.environ.get("VOXCPM_WORKER_BUILD_DIR", _WORKER_ROOT / "build" / "proto"))

_SOURCES = (
    (PROTO_DIR, "voxcpm_worker.proto"),
    (HEALTH_PROTO_DIR, "voxcpm_health/health.proto"),
)


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for root, rel in _SOURCES:
        digest.update(rel.encode())
        digest.update((root / rel).read_bytes())
    return digest.hexdigest()[:16]


def _generate(target: Path) -> None:
    from grpc_tools import protoc  # imported lazily: only needed when stubs are stale

    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".gen-", dir=BUILD_DIR))
    try:
        for root, rel in _SOURCES:
            (staging / Path(rel).parent).mkdir(parents=True, exist_ok=True)
            rc = protoc.main(["grpc_tools.protoc", f"-I{root}", f"--python_out={staging}",
                              f"--grpc_python_out={staging}", str(root / rel)])
            if rc != 0:
                raise RuntimeError(f"protoc failed ({rc}) on {root / rel}")
        (staging / "voxcpm_health" / "__init__.py").touch()
        try:
            os.rename(staging, target)
        except OSError:
            if not target.is_dir():  # lost a race with another process: theirs is identical
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _load():
    target = BUILD_DIR / _fingerprint()
    if not target.is_dir():
        _generate(target)
    if str(target) not in sys.path:
        sys.path.insert(0, str(target))
    return (importlib.import_module("voxcpm_worker_pb2"),
            importlib.import_module("voxcpm_worker_pb2_grpc"),
            importlib.import_module("voxcpm_health.health_pb2"),
            importlib.import_module("voxcpm_health.health_pb2_grpc"))


pb, pb_grpc, health_pb, health_pb_grpc = _load()
