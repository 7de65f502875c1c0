"""The worker protocol's generated stubs (built by ``python3 -m voxcpm_worker.build_protos``)."""
try:
    from .generated import voxcpm_worker_pb2 as pb
    from .generated import voxcpm_worker_pb2_grpc as pb_grpc
    from .generated.voxcpm_health import health_pb2 as health_pb
    from .generated.voxcpm_health import health_pb2_grpc as health_pb_grpc
except ImportError as exc:  # pragma: no cover - a build step was skipped
    raise ImportError(f"the worker's gRPC stubs are missing or stale ({exc}): run "
                      "`python3 -m voxcpm_worker.build_protos` (needs grpcio-tools) once after checkout") from exc

__all__ = ["pb", "pb_grpc", "health_pb", "health_pb_grpc"]
