# VoxCPM2 model worker on an Ascend NPU (Atlas A2 / 910B class: bf16-capable).
# Build from the repository root:  docker build -f docker/worker-ascend.Dockerfile -t voxcpm-worker-ascend .
# The CANN toolkit comes from the base image; the NPU driver comes from the host (see docker-compose.yml).
# torch and torch_npu versions must match each other and the CANN release: change the three ARGs together.
ARG CANN_IMAGE=quay.io/ascend/cann:8.2.rc1-910b-ubuntu22.04-py3.11
FROM ${CANN_IMAGE}

ARG TORCH_VERSION=2.7.1
ARG TORCH_NPU_VERSION=2.7.1
ARG VOXCPM_VERSION=2.0.3

ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTORCH_NPU_ALLOC_CONF=expandable_segments:True \
    VOXCPM_WORKER_PROTO_DIR=/opt/voxcpm-worker/shared-proto

# CPU wheels of torch first: torch_npu supplies the device, and voxcpm's torch requirement is then met
# without pulling CUDA wheels. The denoiser stack (modelscope) is installed by voxcpm but never loaded.
RUN pip install --extra-index-url https://download.pytorch.org/whl/cpu "torch==${TORCH_VERSION}" \
 && pip install --extra-index-url https://download.pytorch.org/whl/cpu "torch-npu==${TORCH_NPU_VERSION}" \
        "voxcpm==${VOXCPM_VERSION}" "torch==${TORCH_VERSION}" grpcio grpcio-tools numpy

WORKDIR /opt/voxcpm-worker
COPY npu-bridge/src/main/proto/ shared-proto/
COPY npu-bridge/worker/ ./
# Generate the gRPC stubs once, at build time (the worker never runs protoc itself).
RUN python3 -m voxcpm_worker.build_protos

COPY docker/worker-entrypoint.sh /usr/local/bin/voxcpm-worker
RUN chmod +x /usr/local/bin/voxcpm-worker

EXPOSE 50051
HEALTHCHECK --interval=15s --timeout=10s --start-period=300s --retries=3 \
  CMD ["python3", "-m", "voxcpm_worker.probe", "127.0.0.1:50051"]
ENTRYPOINT ["/usr/local/bin/voxcpm-worker"]
CMD ["--model-dir", "/models/VoxCPM2", "--device", "npu", "--listen", "0.0.0.0:50051", "--voice-dir", "/voices"]
