# VoxCPM2 model worker on an NVIDIA GPU (torch.compile with CUDA graphs is used there).
# Build from the repository root:  docker build -f docker/worker-cuda.Dockerfile -t voxcpm-worker-cuda .
ARG TORCH_IMAGE=pytorch/pytorch:2.7.1-cuda12.6-cudnn9-runtime
FROM ${TORCH_IMAGE}

ARG VOXCPM_VERSION=2.0.3

ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    VOXCPM_WORKER_PROTO_DIR=/opt/voxcpm-worker/shared-proto

# torch.compile's Triton kernels need a C compiler at run time (the runtime image has none). torch is
# pinned to the image's own CUDA build so that voxcpm's requirements cannot replace it.
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev && rm -rf /var/lib/apt/lists/* \
 && pip install "voxcpm==${VOXCPM_VERSION}" grpcio grpcio-tools numpy \
        "torch==$(python3 -c 'import torch; print(torch.__version__.split("+")[0])')"

WORKDIR /opt/voxcpm-worker
COPY npu-bridge/src/main/proto/ shared-proto/
COPY npu-bridge/worker/ ./
RUN python3 -m voxcpm_worker.build_protos

COPY docker/worker-entrypoint.sh /usr/local/bin/voxcpm-worker
RUN chmod +x /usr/local/bin/voxcpm-worker

EXPOSE 50051
HEALTHCHECK --interval=15s --timeout=10s --start-period=300s --retries=3 \
  CMD ["python3", "-m", "voxcpm_worker.probe", "127.0.0.1:50051"]
ENTRYPOINT ["/usr/local/bin/voxcpm-worker"]
CMD ["--model-dir", "/models/VoxCPM2", "--device", "cuda", "--listen", "0.0.0.0:50051", "--voice-dir", "/voices"]
