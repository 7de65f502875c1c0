# VoxCPM2 model worker on an NVIDIA GPU (torch.compile with CUDA graphs is used there; --no-compile turns
# it off, see docker/README.md). Build from the repository root:
#   docker build -f docker/worker-cuda.Dockerfile -t voxcpm-worker-cuda .
# The base image's torch must equal the torch pin in docker/worker-constraints.txt.
ARG TORCH_IMAGE=pytorch/pytorch:2.7.1-cuda12.6-cudnn9-runtime
FROM ${TORCH_IMAGE}

# Inductor's and Triton's compiled kernels go to the compile-cache volume: a recreated container reuses
# them instead of compiling again at its first start.
ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    TORCHINDUCTOR_CACHE_DIR=/var/cache/voxcpm/inductor \
    TRITON_CACHE_DIR=/var/cache/voxcpm/triton \
    VOXCPM_WORKER_PROTO_DIR=/opt/voxcpm-worker/shared-proto \
    VOXCPM_WORKER_TOKEN_FILE=/run/secrets/worker_token

# torch.compile's Triton kernels need a C compiler at run time (the runtime image has none); tini as PID 1
# so that SIGTERM reaches the worker without `docker run --init`.
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev tini && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/cache/voxcpm/inductor /var/cache/voxcpm/triton

WORKDIR /opt/voxcpm-worker
COPY docker/worker-constraints.txt docker/worker-requirements.txt ./
# torch stays the image's own CUDA build (the constraint equals it, so pip keeps it).
RUN pip install -c worker-constraints.txt torch -r worker-requirements.txt \
 && pip install -c worker-constraints.txt --no-deps voxcpm \
 && python3 -c "import torch, numpy, grpc, google.protobuf, voxcpm.core, voxcpm.model.voxcpm2, voxcpm.utils.text_normalize; \
assert torch.__version__.startswith('2.7.1'), torch.__version__"

COPY npu-bridge/src/main/proto/ shared-proto/
COPY npu-bridge/worker/ ./
RUN python3 -m voxcpm_worker.build_protos

COPY docker/worker-entrypoint.sh /usr/local/bin/voxcpm-worker
RUN chmod +x /usr/local/bin/voxcpm-worker

EXPOSE 50051
# Informational (`docker ps`, orchestrators): the server does not wait for it and health-checks the worker itself.
HEALTHCHECK --interval=15s --timeout=10s --start-period=600s --retries=3 \
  CMD ["python3", "-m", "voxcpm_worker.probe", "127.0.0.1:50051"]
ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/voxcpm-worker"]
# Listening beyond the container needs authentication: the worker and its HEALTHCHECK read the shared
# token from $VOXCPM_WORKER_TOKEN_FILE (a secret mounted there); without it the worker refuses to start.
CMD ["--model-dir", "/models/VoxCPM2", "--device", "cuda", "--listen", "0.0.0.0:50051", "--allow-remote", "--voice-dir", "/voices"]
