"""One generation on an instance's thread, and the typed messages it sends back to the gRPC thread."""
from __future__ import annotations

import hashlib
import logging
import queue
import threading
import time
from dataclasses import dataclass
from typing import Callable, Union

import numpy as np

from .errors import is_out_of_memory
from .modes import Plan
from .voices import InvalidAudio, VoiceRegistry

log = logging.getLogger("voxcpm_worker.generation")


@dataclass(frozen=True)
class Chunk:
    samples: np.ndarray  # mono float32 at the model's rate


@dataclass(frozen=True)
class Finished:
    generation_seconds: float
    reference_sha256: str  # "" without a reference
    seeded_by: str         # "" when unseeded, else seeding.BY_PARAMETER / BY_GENERATORS


@dataclass(frozen=True)
class Failed:
    INVALID = "invalid"            # the model refused the request (bad reference, text it cannot take)
    OUT_OF_MEMORY = "out_of_memory"
    INTERNAL = "internal"
    kind: str
    message: str


Event = Union[Chunk, Finished, Failed]


def pcm16(samples: np.ndarray) -> bytes:
    """Mono float samples in [-1, 1] as signed 16-bit little-endian PCM (what AudioChunk carries)."""
    return (np.clip(samples, -1.0, 1.0) * 32767.0).round().astype("<i2").tobytes()


class Run:
    """One generation handed from the gRPC thread to an instance thread; events flow back in ``events``."""

    def __init__(self):
        self.events: "queue.Queue[Event]" = queue.Queue()
        self.cancel = threading.Event()


def generate(model, plan: Plan, voices: VoiceRegistry, run: Run, tag: str, instance_index: int,
             release: Callable[[], None]) -> None:
    """Runs on the instance's own thread; calls ``release`` (frees the instance) when done or cancelled."""
    started = time.monotonic()
    generator = None
    try:
        cache = None
        reference = ""
        if plan.voice is not None:
            cache = voices.prompt_cache(plan.voice, plan.cache_kind, model)
            reference = plan.voice.sha256
        elif plan.inline_wav is not None:
            cache = voices.inline_cache(model, plan.inline_wav, plan.transcript, plan.cache_kind)
            reference = hashlib.sha256(plan.inline_wav).hexdigest()
        text = model.normalize(plan.text) if plan.normalize else plan.text
        generator = model.stream(plan.prefix + text, cache, plan.cfg_value, plan.inference_timesteps,
                                 plan.max_length, plan.seed)
        for samples in generator:
            if run.cancel.is_set():
                log.info("[%s] cancelled: generation stopped, instance %d freed", tag, instance_index)
                return
            run.events.put(Chunk(samples))
        run.events.put(Finished(time.monotonic() - started, reference, model.seeded_by if plan.seed else ""))
    except Exception as exc:
        if is_out_of_memory(exc):
            log.error("[%s] out of device memory: %s", tag, exc)
            run.events.put(Failed(Failed.OUT_OF_MEMORY, f"out of device memory: {exc}"))
        elif isinstance(exc, (ValueError, InvalidAudio)):
            log.info("[%s] model rejected the request: %s", tag, exc)
            run.events.put(Failed(Failed.INVALID, str(exc)))
        else:
            log.exception("[%s] generation failed", tag)
            run.events.put(Failed(Failed.INTERNAL, f"generation failed: {exc}"))
    finally:
        if generator is not None:
            generator.close()  # releases voxcpm's inference-mode state, KV positions and the RNG gate
        release()
