"""VoxCPM2 model worker: serves streaming synthesis over gRPC (voxcpm.worker.v1)."""

__version__ = "0.1.0"
