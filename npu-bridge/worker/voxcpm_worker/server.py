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

from . import __version__, modes
from .generation import Chunk, Failed, Finished, Run, generate, pcm16
from .modes import Defaults, InvalidRequest, SynthesisInput
from .protos import health_pb, health_pb_grpc, pb, pb_grpc
from .scheduler import Cancelled, DeadlineExpired, ModelInstance, QueueFull, Scheduler
from .security import Limits, Security
from .voices import InvalidAudio, TooManyVoices, VoiceRegistry

log = logging.getLogger("voxcpm_worker.server")

SERVICE_NAME = "voxcpm.worker.v1.VoxcpmWorker"
_MODES = {pb.MODE_ZERO_SHOT: modes.ZERO_SHOT, pb.MODE_DESIGN: modes.DESIGN,
          pb.MODE_CLONE: modes.CLONE, pb.MODE_ULTIMATE_CLONE: modes.ULTIMATE_CLONE}
_FAILURE_CODES = {Failed.INVALID: grpc.StatusCode.INVALID_ARGUMENT,
                  Failed.OUT_OF_MEMORY: grpc.StatusCode.RESOURCE_EXHAUSTED,
                  Failed.INTERNAL: grpc.StatusCode.INTERNAL}
_POLL_SECONDS = 0.1
_MAX_TAG_CHARS = 64


def log_tag(raw: str) -> str:
    """The client's request tag as it may appear in a log line: printable, short."""
    tag = "".join(c if c.isprintable() else "?" for c in raw[:_MAX_TAG_CHARS])
    return tag or "-"


def synthesis_input(request) -> SynthesisInput:
    """The protobuf request as plain values (the planner never sees protobuf)."""
    which = request.WhichOneof("reference")
    inline = None
    if which == "inline_reference":
        inline = modes.InlineReference(request.inline_reference.wav, request.inline_reference.transcript)
    return SynthesisInput(text=request.text, mode=_MODES.get(request.mode), description=request.description,
                          voice_id=request.voice_id if which == "voice_id" else None, inline=inline,
                          cfg_value=request.cfg_value, inference_timesteps=request.inference_timesteps,
                          max_length=request.max_length, seed=request.seed)


@dataclass(frozen=True)
class Keepalive:
    """HTTP/2 PING policy. grpc-python's server defaults allow a client PING only every 5 minutes
    without data and answer the third early one with GOAWAY ``too_many_pings``, which kills a call that
    sits in the queue (or waits for its first chunk) while the Java client pings every 10 s. grpc-java
    never pings more often than every 10 s, so permitting 5 s leaves room for timer jitter and still
    refuses a client that floods.

    ``time``/``timeout``: the worker's own PINGs, so that a call whose client host vanished without a
    TCP reset is ended and its instance freed.
    """
    permit_time: float = 5.0
    time: float = 20.0
    timeout: float = 10.0

    def options(self) -> list:
        return [("grpc.keepalive_permit_without_calls", 1),
                ("grpc.http2.min_ping_interval_without_data_ms", int(self.permit_time * 1000)),
                ("grpc.http2.max_ping_strikes", 2),
                ("grpc.keepalive_time_ms", int(self.time * 1000)),
                ("grpc.keepalive_timeout_ms", int(self.timeout * 1000))]


#: Reference recordings arrive in RegisterVoice and inline references; a minute of 48 kHz 16-bit mono
#: is 5.8 MB, beyond gRPC's 4 MB default.
MAX_MESSAGE_BYTES = 32 * 1024 * 1024


def server_options(keepalive: Keepalive) -> list:
    # SO_REUSEPORT (grpc's default on Linux) would let a second worker started on the same port share
    # it silently and take half the calls; one port, one worker.
    return keepalive.options() + [("grpc.so_reuseport", 0),
                                  ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES)]


class WorkerService(pb_grpc.VoxcpmWorkerServicer):
    """Answers UNAVAILABLE until the models are loaded and again once draining, so that clients go
    to another worker before any audio (the Java pool retries UNAVAILABLE elsewhere)."""

    def __init__(self, voices: VoiceRegistry, defaults: Defaults, limits: Limits = Limits()):
        self._scheduler: Optional[Scheduler] = None
        self._voices = voices
        self._defaults = defaults
        self._limits = limits
        self._draining = False
        self._active = 0
        self._cond = threading.Condition()

    def ready(self, scheduler: Scheduler) -> None:
        self._scheduler = scheduler

    def drain(self, grace: Optional[float]) -> bool:
        """Refuses new calls and waits up to ``grace`` seconds for those in progress; True when none is left."""
        with self._cond:
            self._draining = True
            return self._cond.wait_for(lambda: self._active == 0, grace)

    def _unavailable(self, context) -> None:
        if self._draining:
            context.abort(grpc.StatusCode.UNAVAILABLE, "worker is draining (shutting down)")
        if self._scheduler is None:
            context.abort(grpc.StatusCode.UNAVAILABLE, "worker is loading the model")

    # --- Synthesize ------------------------------------------------------------------------------
    def Synthesize(self, request, context):
        with self._cond:
            self._unavailable(context)
            self._active += 1
        try:
            yield from self._synthesize(request, context)
        finally:
            with self._cond:
                self._active -= 1
                self._cond.notify_all()

    def _synthesize(self, request, context):
        received = time.monotonic()
        tag = log_tag(request.request_tag)
        if request.WhichOneof("reference") == "inline_reference" and not self._limits.allow_inline:
            log.warning("[%s] refused: inline reference recordings are disabled", tag)
            context.abort(grpc.StatusCode.PERMISSION_DENIED,
                          "inline reference recordings are disabled on this worker (--allow-inline-reference): "
                          "register the voice with RegisterVoice")
        try:
            plan = modes.plan(synthesis_input(request), self._voices.get, self._defaults)
        except InvalidRequest as exc:
            log.info("[%s] rejected: %s", tag, exc)
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(exc))

        run = Run()
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
        log.info("[%s] %s on instance %d after %.3fs queued: %d chars%s", tag, plan.mode, instance.index, queued,
                 len(plan.target_text), f", voice {plan.voice.voice_id}" if plan.voice else "")
        instance.submit(lambda: generate(instance.model, plan, self._voices, run, tag, instance.index,
                                         lambda: self._scheduler.release(instance)))

        sequence = 0
        samples = 0
        first_chunk = 0.0
        rate = instance.model.sample_rate
        try:
            while True:
                try:
                    event = run.events.get(timeout=_POLL_SECONDS)
                except queue.Empty:
                    if not context.is_active():
                        return
                    continue
                if isinstance(event, Chunk):
                    if sequence == 0:
                        first_chunk = time.monotonic() - received
                    samples += len(event.samples)
                    yield pb.SynthesizeResponse(chunk=pb.AudioChunk(sequence=sequence, pcm=pcm16(event.samples),
                                                                    sample_rate=rate))
                    sequence += 1
                elif isinstance(event, Finished):
                    summary = pb.SynthesisSummary(audio_seconds=samples / rate,
                                                  generation_seconds=event.generation_seconds,
                                                  first_chunk_seconds=first_chunk, queue_seconds=queued,
                                                  chunks=sequence, reference_sha256=event.reference_sha256,
                                                  seeded_by=event.seeded_by)
                    log.info("[%s] done: %.2fs audio in %.2fs (first chunk %.3fs, %d chunks%s%s)", tag,
                             summary.audio_seconds, event.generation_seconds, first_chunk, sequence,
                             f", reference {event.reference_sha256[:16]}" if event.reference_sha256 else "",
                             f", seeded by {event.seeded_by}" if event.seeded_by else "")
                    yield pb.SynthesizeResponse(summary=summary)
                    return
                else:
                    context.abort(_FAILURE_CODES[event.kind], event.message)
        finally:
            # Client gone, deadline hit or stream finished: the instance thread stops at the next chunk.
            run.cancel.set()

    # --- voices ----------------------------------------------------------------------------------
    def RegisterVoice(self, request, context):
        self._unavailable(context)
        transcript = request.transcript.strip()
        if len(transcript) > modes.MAX_TRANSCRIPT_CHARS:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                          f"transcript of {len(transcript)} characters exceeds {modes.MAX_TRANSCRIPT_CHARS}")
        try:
            voice_id, existed = self._voices.register(request.wav, transcript)
        except InvalidAudio as exc:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(exc))
        except TooManyVoices as exc:
            log.warning("voice refused: %s", exc)
            context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED, str(exc))
        log.info("voice %s %s", voice_id, "already registered" if existed else "registered")
        return pb.RegisterVoiceResponse(voice_id=voice_id, already_registered=existed)

    def HasVoice(self, request, context):
        return pb.HasVoiceResponse(present=request.voice_id in self._voices)

    def DeleteVoice(self, request, context):
        existed = self._voices.delete(request.voice_id)
        log.info("voice %s %s", request.voice_id, "deleted" if existed else "was not registered (delete is a no-op)")
        return pb.DeleteVoiceResponse(existed=existed)

    # --- info ------------------------------------------------------------------------------------
    def Info(self, request, context):
        self._unavailable(context)
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
                               residency=residency, worker_version=__version__,
                               kv_cache_length=self._defaults.kv_cache_length,
                               default_max_length=self._defaults.max_length,
                               default_inference_timesteps=self._defaults.inference_timesteps,
                               default_cfg_value=self._defaults.cfg_value,
                               model_accepts_seed=first.accepts_seed)


class HealthService(health_pb_grpc.HealthServicer):
    """grpc.health.v1: "" and the worker service are SERVING once every instance has loaded."""

    def __init__(self, max_watch_streams: int = 4):
        self._status = health_pb.HealthCheckResponse.NOT_SERVING
        self._cond = threading.Condition()
        self._watch_slots = threading.BoundedSemaphore(max_watch_streams)
        self._max_watch = max_watch_streams

    def set_serving(self, serving: bool) -> None:
        with self._cond:
            self._status = (health_pb.HealthCheckResponse.SERVING if serving
                            else health_pb.HealthCheckResponse.NOT_SERVING)
            self._cond.notify_all()

    def _wake(self) -> None:
        with self._cond:
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
        # Each stream holds a server thread for as long as the client keeps it open.
        if not self._watch_slots.acquire(blocking=False):
            context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED,
                          f"{self._max_watch} health Watch streams are open already; use Check")
        context.add_callback(self._wake)  # the loop below sees a cancelled stream at once
        try:
            last = None
            while context.is_active():
                with self._cond:
                    if self._status == last:
                        self._cond.wait(_POLL_SECONDS * 5)
                        continue
                    last = self._status
                yield health_pb.HealthCheckResponse(status=last)
        finally:
            self._watch_slots.release()


class Worker:
    """A worker: its gRPC server (listening from the start), model instances and their scheduler.

    Health reports NOT_SERVING while the models load and while draining, SERVING in between.
    """

    def __init__(self, server: grpc.Server, port: int, service: WorkerService, health: HealthService,
                 instances: List[ModelInstance], queue_capacity: int, voices: VoiceRegistry):
        self.server = server
        self.port = port
        self.voices = voices
        self.health = health
        self.scheduler: Optional[Scheduler] = None
        self._service = service
        self._instances = instances
        self._queue_capacity = queue_capacity

    def wait_ready(self) -> "Worker":
        """Waits for every instance to load, then serves. Raises the first load error (a StartupError
        carries the process exit code) after stopping everything."""
        try:
            for instance in self._instances:
                instance.wait_loaded()
        except BaseException:
            self.server.stop(0).wait()
            for instance in self._instances:
                instance.stop()
            raise
        self.scheduler = Scheduler(self._instances, self._queue_capacity)
        self._service.ready(self.scheduler)
        self.health.set_serving(True)
        return self

    def stop(self, grace: Optional[float] = 2.0) -> None:
        """Drains: NOT_SERVING at once, new calls refused with UNAVAILABLE, calls in progress get up to
        ``grace`` seconds (None: unbounded) to finish before they are cancelled."""
        self.health.set_serving(False)
        if not self._service.drain(grace):
            log.warning("stopping with calls still in progress after %.1fs of draining", grace)
        self.server.stop(0).wait()
        for instance in self._instances:
            instance.stop()


def begin(loader: Callable[[], object], address: str = "127.0.0.1:0", instances: int = 1, queue_capacity: int = 8,
          voice_dir: Optional[str] = None, defaults: Defaults = Defaults(),
          keepalive: Keepalive = Keepalive(), warm_up: Optional[Callable[[object], float]] = None,
          trim_silence: bool = True, security: Security = Security(), limits: Limits = Limits()) -> Worker:
    """Listens at once (health NOT_SERVING) and loads ``instances`` models, each on its own thread, one
    after another, warming each up with ``warm_up``; call ``wait_ready`` on the result."""
    health = HealthService(limits.max_watch_streams)
    voices = VoiceRegistry(voice_dir, trim_silence=trim_silence, max_voices=limits.max_voices)
    service = WorkerService(voices, defaults, limits)
    # Every admitted or queued call holds a thread while it waits, so the pool has one thread per call
    # gRPC may run at once, and gRPC refuses calls beyond that (RESOURCE_EXHAUSTED) instead of queueing
    # them where no limit of ours sees them.
    calls = limits.max_concurrent_rpcs(instances, queue_capacity)
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=calls, thread_name_prefix="grpc"),
                         interceptors=security.interceptors(), options=server_options(keepalive),
                         maximum_concurrent_rpcs=calls)
    pb_grpc.add_VoxcpmWorkerServicer_to_server(service, server)
    health_pb_grpc.add_HealthServicer_to_server(health, server)
    try:
        port = security.bind(server, address)
    except RuntimeError as exc:  # grpc >= 1.5x raises instead of returning 0
        raise OSError(f"cannot listen on {address}: {exc}") from None
    if port == 0:
        raise OSError(f"cannot listen on {address}")
    server.start()
    load_lock = threading.Lock()
    models = [ModelInstance(i, loader, load_lock, warm_up) for i in range(instances)]
    return Worker(server, port, service, health, models, queue_capacity, voices)


def start(loader: Callable[[], object], address: str = "127.0.0.1:0", instances: int = 1, queue_capacity: int = 8,
          voice_dir: Optional[str] = None, defaults: Defaults = Defaults(),
          keepalive: Keepalive = Keepalive(), warm_up: Optional[Callable[[object], float]] = None,
          trim_silence: bool = True, security: Security = Security(), limits: Limits = Limits()) -> Worker:
    """``begin`` and ``wait_ready``: returns a serving worker or raises the load error."""
    return begin(loader, address, instances, queue_capacity, voice_dir, defaults, keepalive, warm_up,
                 trim_silence, security, limits).wait_ready()
