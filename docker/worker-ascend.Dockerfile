# VoxCPM2 model worker on an Ascend NPU (Atlas 800 A2 / 910B class, aarch64 or x86_64 hosts).
# Build from the repository root:  docker build -f docker/worker-ascend.Dockerfile -t voxcpm-worker-ascend .
# The CANN toolkit comes from the base image; the NPU driver and firmware come from the host (Ascend HDK
# 25.3.RC1 for CANN 8.3.RC1: see docker/README.md). CANN_IMAGE and the torch/torch-npu pins in
# docker/worker-constraints.txt are one official pair: change them together.
ARG CANN_IMAGE=quay.io/ascend/cann:8.3.rc1-910b-ubuntu22.04-py3.11
FROM ${CANN_IMAGE}

# ASCEND_CACHE_PATH: CANN's operator compile cache (kernel_cache/), on the compile-cache volume so that a
# recreated container does not compile the same operators again.
ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTORCH_NPU_ALLOC_CONF=expandable_segments:True \
    ASCEND_CACHE_PATH=/var/cache/voxcpm/ascend \
    VOXCPM_WORKER_PROTO_DIR=/opt/voxcpm-worker/shared-proto \
    VOXCPM_WORKER_TOKEN_FILE=/run/secrets/worker_token

# tini as PID 1: SIGTERM reaches the worker (which then drains) without `docker run --init`.
RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/cache/voxcpm/ascend

WORKDIR /opt/voxcpm-worker
COPY docker/worker-constraints.txt docker/worker-requirements.txt ./
# CPU wheels of torch (torch_npu supplies the device); voxcpm without its declared dependencies, which
# would pull the web demo, the ASR and the training stacks and numpy 2 (see worker-requirements.txt).
# The import check makes a missing module fail the build, not the first start on the NPU host.
RUN pip install --extra-index-url https://download.pytorch.org/whl/cpu -c worker-constraints.txt \
        torch torch-npu -r worker-requirements.txt \
 && pip install -c worker-constraints.txt --no-deps voxcpm \
 && python3 -c "import numpy, grpc, google.protobuf, voxcpm.core, voxcpm.model.voxcpm2, voxcpm.utils.text_normalize; \
assert numpy.__version__.startswith('1.'), numpy.__version__"

COPY npu-bridge/src/main/proto/ shared-proto/
COPY npu-bridge/worker/ ./
# Generate the gRPC stubs once, at build time (the worker never runs protoc itself).
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
CMD ["--model-dir", "/models/VoxCPM2", "--device", "npu", "--listen", "0.0.0.0:50051", "--allow-remote", "--voice-dir", "/voices"]
