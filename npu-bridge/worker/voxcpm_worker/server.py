"""The gRPC side: VoxcpmWorker servicer, grpc.health.v1 health service, and their assembly."""
from __future__ import annotations

import logging
import queue
import threading
import time
from concurrent import futures
from dataclasses import dataclass
from typing import Callable, List, Optional

import grpc
import numpy as np

from . import __version__, modes
from .errors import is_out_of_memory
from .modes import Defaults, InvalidRequest
from .protos import health_pb, health_pb_grpc, pb, pb_grpc
from .scheduler import Cancelled, DeadlineExpired, ModelInstance, QueueFull, Scheduler
from .voices import InvalidAudio, VoiceRegistry, inline_cache

log = logging.getLogger("voxcpm_worker.server")

SERVICE_NAME = "voxcpm.worker.v1.VoxcpmWorker"
_MODES = {pb.MODE_ZERO_SHOT: modes.ZERO_SHOT, pb.MODE_DESIGN: modes.DESIGN,
          pb.MODE_CLONE: modes.CLONE, pb.MODE_ULTIMATE_CLONE: modes.ULTIMATE_CLONE}
_POLL_SECONDS = 0.1


def pcm16(samples: np.ndarray) -> bytes:
    return (np.clip(samples, -1.0, 1.0) * 32767.0).round().astype("<i2").tobytes()


class _Run:
    """One generation handed from the gRPC thread to an instance thread; events flow back in ``out``."""

    def __init__(self):
        self.out: "queue.Queue[tuple]" = queue.Queue()
        self.cancel = threading.Event()


class WorkerService(pb_grpc.VoxcpmWorkerServicer):
    def __init__(self, scheduler: Scheduler, voices: VoiceRegistry, defaults: Defaults):
        self._scheduler = scheduler
        self._voices = voices
        self._defaults = defaults

    # --- Synthesize ------------------------------------------------------------------------------
    def Synthesize(self, request, context):
        received = time.monotonic()
        tag = request.request_tag or "-"
        mode = _MODES.get(request.mode)
        if mode is None:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "mode is required (zero-shot, design, clone or ultimate clone)")
        try:
            plan = modes.plan(request, mode, self._voices, self._defaults)
        except InvalidRequest as exc:
            log.info("[%s] rejected: %s", tag, exc)
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(exc))

        run = _Run()
        context.add_callback(run.cancel.set)
        context.add_callback(self._scheduler.wake)
        remaining = context.time_remaining()
        deadline = None if remaining is None else received + remaining
        try:
            instance, queued = self._scheduler.acquire(deadline, run.cancel.is_set)
        except QueueFull as exc:
            log.warning("[%s] refused: %s", tag, exc)
            context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED, str(exc))
        except DeadlineExpired as exc:
            log.info("[%s] %s", tag, exc)
            context.abort(grpc.StatusCode.DEADLINE_EXCEEDED, str(exc))
        except Cancelled:
            log.info("[%s] cancelled while queued", tag)
            return
        log.info("[%s] %s on instance %d after %.3fs queued: %d chars", tag, mode, instance.index, queued,
                 len(plan.target_text))
        instance.submit(lambda: self._generate(instance, plan, run, tag))

        sequence = 0
        samples = 0
        first_chunk = 0.0
        rate = instance.model.sample_rate
        try:
            while True:
                try:
                    kind, value = run.out.get(timeout=_POLL_SECONDS)
                except queue.Empty:
                    if not context.is_active():
                        return
                    continue
                if kind == "chunk":
                    if sequence == 0:
                        first_chunk = time.monotonic() - received
                    samples += len(value)
                    yield pb.SynthesizeResponse(chunk=pb.AudioChunk(sequence=sequence, pcm=pcm16(value), sample_rate=rate))
                    sequence += 1
                elif kind == "end":
                    summary = pb.SynthesisSummary(audio_seconds=samples / rate, generation_seconds=value,
                                                  first_chunk_seconds=first_chunk, queue_seconds=queued,
                                                  chunks=sequence)
                    log.info("[%s] done: %.2fs audio in %.2fs (first chunk %.3fs, %d chunks)", tag,
                             summary.audio_seconds, value, first_chunk, sequence)
                    yield pb.SynthesizeResponse(summary=summary)
                    return
                else:
                    code, message = value
                    context.abort(code, message)
        finally:
            # Client gone, deadline hit or stream finished: the instance thread stops at the next chunk.
            run.cancel.set()

    def _generate(self, instance: ModelInstance, plan, run: _Run, tag: str) -> None:
        """Runs on the instance's own thread; frees the instance when done or cancelled."""
        model = instance.model
        started = time.monotonic()
        generator = None
        try:
            cache = None
            if plan.voice is not None:
                cache = self._voices.prompt_cache(plan.voice, plan.cache_kind, model)
            elif plan.inline_wav is not None:
                cache = inline_cache(model, plan.inline_wav, plan.transcript, plan.cache_kind)
            generator = model.stream(plan.target_text, cache, plan.cfg_value, plan.inference_timesteps,
                                     plan.max_length, plan.seed)
            for chunk in generator:
                if run.cancel.is_set():
                    log.info("[%s] cancelled: generation stopped, instance %d freed", tag, instance.index)
                    return
                run.out.put(("chunk", chunk))
            run.out.put(("end", time.monotonic() - started))
        except Exception as exc:
            if is_out_of_memory(exc):
                log.error("[%s] out of device memory: %s", tag, exc)
                run.out.put(("error", (grpc.StatusCode.RESOURCE_EXHAUSTED, f"out of device memory: {exc}")))
            elif isinstance(exc, (ValueError, InvalidAudio)):
                log.info("[%s] model rejected the request: %s", tag, exc)
                run.out.put(("error", (grpc.StatusCode.INVALID_ARGUMENT, str(exc))))
            else:
                log.exception("[%s] generation failed", tag)
                run.out.put(("error", (grpc.StatusCode.INTERNAL, f"generation failed: {exc}")))
        finally:
            if generator is not None:
                generator.close()  # releases voxcpm's inference-mode state and KV positions
            self._scheduler.release(instance)

    # --- voices ----------------------------------------------------------------------------------
    def RegisterVoice(self, request, context):
        try:
            voice_id, existed = self._voices.register(request.wav, request.transcript.strip())
        except InvalidAudio as exc:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(exc))
        log.info("voice %s %s", voice_id, "already registered" if existed else "registered")
        return pb.RegisterVoiceResponse(voice_id=voice_id, already_registered=existed)

    def HasVoice(self, request, context):
        return pb.HasVoiceResponse(present=request.voice_id in self._voices)

    # --- info ------------------------------------------------------------------------------------
    def Info(self, request, context):
        instances = self._scheduler.instances
        first = instances[0].model
        residency = []
        for instance in instances:
            prefix = f"{instance.index}/" if len(instances) > 1 else ""
            residency.extend(pb.ResidencyReport(component=prefix + r.component, parameters_total=r.total,
                                                parameters_on_device=r.on_device, expected_dtype=r.expected_dtype,
                                                parameters_expected_dtype=r.with_expected_dtype)
                             for r in instance.model.residency)
        return pb.InfoResponse(model_version=first.model_version, device=first.device, dtype=first.dtype,
                               sample_rate=first.sample_rate, instances=len(instances),
                               queue_depth=self._scheduler.queue_depth, queue_capacity=self._scheduler.capacity,
                               residency=residency, worker_version=__version__)


class HealthService(health_pb_grpc.HealthServicer):
    """grpc.health.v1: "" and the worker service are SERVING once every instance has loaded."""

    def __init__(self):
        self._status = health_pb.HealthCheckResponse.NOT_SERVING
        self._cond = threading.Condition()

    def set_serving(self, serving: bool) -> None:
        with self._cond:
            self._status = (health_pb.HealthCheckResponse.SERVING if serving
                            else health_pb.HealthCheckResponse.NOT_SERVING)
            self._cond.notify_all()

    def _known(self, service: str) -> bool:
        return service in ("", SERVICE_NAME)

    def Check(self, request, context):
        if not self._known(request.service):
            context.abort(grpc.StatusCode.NOT_FOUND, f"unknown service {request.service}")
        with self._cond:
            return health_pb.HealthCheckResponse(status=self._status)

    def Watch(self, request, context):
        if not self._known(request.service):
            yield health_pb.HealthCheckResponse(status=health_pb.HealthCheckResponse.SERVICE_UNKNOWN)
            return
        last = None
        while context.is_active():
            with self._cond:
                if self._status == last:
                    self._cond.wait(_POLL_SECONDS * 5)
                    continue
                last = self._status
            yield health_pb.HealthCheckResponse(status=last)


@dataclass
class Worker:
    """A running worker: gRPC server, model instances and their scheduler."""
    server: grpc.Server
    port: int
    scheduler: Scheduler
    voices: VoiceRegistry
    health: HealthService

    def stop(self, grace: Optional[float] = 2.0) -> None:
        self.health.set_serving(False)
        self.server.stop(grace).wait()
        for instance in self.scheduler.instances:
            instance.stop()


def start(loader: Callable[[], object], address: str = "127.0.0.1:0", instances: int = 1, queue_capacity: int = 8,
          voice_dir: Optional[str] = None, defaults: Defaults = Defaults()) -> Worker:
    """Loads ``instances`` models (each on its own thread, concurrently) and starts serving.

    Raises the first load error (a StartupError carries the process exit code).
    """
    health = HealthService()
    models: List[ModelInstance] = [ModelInstance(i, loader) for i in range(instances)]
    try:
        for instance in models:
            instance.wait_loaded()
    except BaseException:
        for instance in models:
            instance.stop()
        raise
    scheduler = Scheduler(models, queue_capacity)
    voices = VoiceRegistry(voice_dir)
    # Every admitted or queued call holds a thread while it waits, so the pool must exceed that
    # number, or admission would happen in gRPC's hidden queue instead of ours.
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=instances + queue_capacity + 8,
                                                    thread_name_prefix="grpc"))
    pb_grpc.add_VoxcpmWorkerServicer_to_server(WorkerService(scheduler, voices, defaults), server)
    health_pb_grpc.add_HealthServicer_to_server(health, server)
    port = server.add_insecure_port(address)
    if port == 0:
        raise OSError(f"cannot listen on {address}")
    server.start()
    health.set_serving(True)
    return Worker(server, port, scheduler, voices, health)
