"""TEST DOUBLE: no VoxCPM2 weights or NPU exist here.

``StandInVoxCPM`` implements the slice of voxcpm's interface that the worker uses (the model's
``build_prompt_cache`` / ``generate_with_prompt_cache[_streaming]``, plus the wrapper's ``generate`` /
``generate_streaming``) with the real shapes and rates: 48 kHz mono float32, one 160 ms chunk (7680
samples) per generation step, chunks yielded as ``(Tensor[1, 7680], tokens, patches)`` tuples.

It behaves like voxcpm **2.0.3** by default: its generation methods have no ``seed`` parameter (passing
one raises TypeError, as the real library does), and every chunk draws its randomness from one
process-wide generator (the stand-in of torch's default generator, reset by :func:`manual_seed`). So an
unseeded design prompt is a different speaker each time, exactly the production bug a seed-honouring
double would hide. ``StandInVoxCPMWithSeed`` is the newer upstream API, whose ``seed`` argument seeds
that same global generator. A prompt cache (a reference recording) fixes the speaker, as cloning does.

Selected only by ``--model standin`` (``--standin-api newer`` for the seed-taking variant).
"""
from __future__ import annotations

import hashlib
import re
import threading
import time
import wave
from types import SimpleNamespace
from typing import Optional

import numpy as np

SAMPLE_RATE = 48000
CHUNK_SAMPLES = 7680  # 4 latent frames x 1920 samples: one 160 ms patch at 48 kHz
MODEL_VERSION = "standin-test-double (not VoxCPM2)"
API_2_0_3 = "2.0.3"
API_NEWER = "newer"

# Invented sizes, shaped like VoxCPM2's components; they only give the residency check something to count.
_COMPONENTS = (("base_lm", 1_000_000, "torch.bfloat16"), ("residual_lm", 300_000, "torch.bfloat16"),
               ("feat_encoder", 50_000, "torch.bfloat16"), ("feat_decoder", 80_000, "torch.bfloat16"),
               ("audio_vae", 40_000, "torch.float32"))

# The stand-in of torch's default generator: one per process.
_global_lock = threading.Lock()
_global_rng = np.random.default_rng()


def manual_seed(seed: int) -> None:
    """The stand-in of ``torch.manual_seed``: resets the process-wide generator."""
    global _global_rng
    with _global_lock:
        _global_rng = np.random.default_rng(seed & 0xFFFFFFFFFFFFFFFF)


def _draw() -> int:
    with _global_lock:
        return int(_global_rng.integers(0, 2**63))


class StandInNormalizer:
    """TEST DOUBLE of voxcpm's TextNormalizer: spells out digits one by one, so tests can see where
    normalisation was applied."""
    _WORDS = "zero one two three four five six seven eight nine".split()

    def normalize(self, text: str) -> str:
        spelled = re.sub(r"\d", lambda m: f" {self._WORDS[int(m.group())]} ", text)
        return re.sub(r"\s+", " ", spelled).replace(" .", ".").strip()


class _FakeParameter(SimpleNamespace):
    def numel(self) -> int:
        return self.count


class _FakeModule:
    def __init__(self, params):
        self._params = params

    def parameters(self):
        return iter(self._params)


def _device_of(text: str):
    kind, _, index = text.partition(":")
    return SimpleNamespace(type=kind, index=int(index) if index else (0 if kind != "cpu" else None))


class StandInVoxCPM:
    """TEST DOUBLE of voxcpm 2.0.3 (no seed parameter).

    Knobs for tests: ``chunk_delay`` (seconds slept per chunk, as if computing), ``first_chunk_delay``
    (seconds slept before a call's first chunk instead: the real model's prefill makes it the slow one), ``fail_after``
    (raise after that many chunks of a call), ``perturbation`` (relative deterministic noise, to make
    one "device" differ from another), ``misplaced_parameters`` (left on the CPU, to fail residency).
    """

    def __init__(self, device: str = "cpu", chunk_delay: float = 0.0, fail_after: Optional[int] = None,
                 first_chunk_delay: Optional[float] = None,
                 perturbation: float = 0.0, misplaced_parameters: int = 0):
        self.device = device
        self.sample_rate = SAMPLE_RATE
        self.dtype = "bfloat16"
        self.config = SimpleNamespace(max_length=8192, dtype="bfloat16")
        self.chunk_delay = chunk_delay
        self.first_chunk_delay = chunk_delay if first_chunk_delay is None else first_chunk_delay
        self.fail_after = fail_after
        self.perturbation = perturbation
        self._lock = threading.Lock()
        self.reset_counters()
        self._children = []
        for i, (name, count, dtype) in enumerate(_COMPONENTS):
            off = misplaced_parameters if i == 0 else 0
            params = [_FakeParameter(count=count - off, device=_device_of(device), dtype=dtype)]
            if off:
                params.append(_FakeParameter(count=off, device=_device_of("cpu"), dtype=dtype))
            self._children.append((name, _FakeModule(params)))

    def reset_counters(self) -> None:
        """Observable counters for tests."""
        self.prompt_cache_builds = 0
        self.chunks_generated = 0
        self.generators_closed_early = 0
        self.generators_finished = 0
        self.build_kwargs = []    # the keyword arguments of every build_prompt_cache call
        self.target_texts = []    # the target text of every generation

    def module_outputs(self, seed: int) -> dict:
        """What voxcpm_worker.accuracy compares per module; deterministic, plus this "device"'s
        ``perturbation`` as relative noise."""
        rng = np.random.default_rng(seed)
        outputs = {"lm_prefill": rng.standard_normal(2048), "locdit_step": rng.standard_normal((1, 64, 4)),
                   "vae_decode": np.sin(np.arange(7680) / 7.0)[None, None, :]}
        if self.perturbation:
            noise = np.random.default_rng(int.from_bytes(hashlib.sha256(self.device.encode()).digest()[:8], "little"))
            outputs = {k: v + self.perturbation * np.std(v) * noise.standard_normal(v.shape) for k, v in outputs.items()}
        return {k: v.astype(np.float32) for k, v in outputs.items()}

    # voxcpm.VoxCPM exposes the model as .tts_model; the stand-in is both layers at once.
    @property
    def tts_model(self):
        return self

    def named_children(self):
        return iter(self._children)

    # --- model layer (VoxCPM2Model), signatures as in voxcpm 2.0.3 -------------------------------
    def _generate_with_prompt_cache(self, target_text, prompt_cache=None, min_len=2, max_len=2000,
                                    inference_timesteps=10, cfg_value=2.0, retry_badcase=False,
                                    retry_badcase_max_times=3, retry_badcase_ratio_threshold=6.0,
                                    streaming=False, streaming_prefix_len=4):
        return self._stream(target_text, prompt_cache, min_len, max_len)

    def build_prompt_cache(self, prompt_text: str = None, prompt_wav_path: str = None,
                           reference_wav_path: str = None, trim_silence_vad: bool = False) -> dict:
        if (prompt_wav_path is None) != (prompt_text is None):
            raise ValueError("prompt_wav_path and prompt_text must both be provided or both be None")
        if prompt_wav_path is None and reference_wav_path is None:
            raise ValueError("build_prompt_cache needs a prompt or a reference recording")
        digest = hashlib.sha256()
        for path in (reference_wav_path, prompt_wav_path):
            if path is not None:
                with wave.open(path, "rb") as wav:
                    digest.update(wav.readframes(wav.getnframes()))
        if prompt_text is not None:
            digest.update(prompt_text.encode())
        mode = ("ref_continuation" if reference_wav_path and prompt_wav_path
                else "reference" if reference_wav_path else "continuation")
        with self._lock:
            self.prompt_cache_builds += 1
            self.build_kwargs.append(dict(prompt_text=prompt_text, prompt_wav_path=prompt_wav_path,
                                          reference_wav_path=reference_wav_path, trim_silence_vad=trim_silence_vad))
        return {"mode": mode, "voice": digest.hexdigest(), "prompt_text": prompt_text or ""}

    def generate_with_prompt_cache_streaming(self, *args, **kwargs):
        return self._generate_with_prompt_cache(*args, streaming=True, **kwargs)

    def generate_with_prompt_cache(self, *args, **kwargs):
        chunks = [c for c, _, _ in self._generate_with_prompt_cache(*args, **kwargs)]
        return np.concatenate(chunks, axis=1), [], []

    # --- wrapper layer (voxcpm.VoxCPM) ----------------------------------------------------------
    def generate_streaming(self, text: str, prompt_wav_path: str = None, prompt_text: str = None,
                           reference_wav_path: str = None, cfg_value: float = 2.0,
                           inference_timesteps: int = 10, min_len: int = 2, max_len: int = 4096, **extra):
        cache = None
        if prompt_wav_path or reference_wav_path:
            cache = self.build_prompt_cache(prompt_text, prompt_wav_path, reference_wav_path)
        for chunk, _, _ in self._generate_with_prompt_cache(text, cache, min_len, max_len, **extra):
            yield chunk[0]

    def generate(self, *args, **kwargs) -> np.ndarray:
        return np.concatenate(list(self.generate_streaming(*args, **kwargs)))

    # --- the "speech" -----------------------------------------------------------------------------
    def _stream(self, text, cache, min_len, max_len):
        if not isinstance(text, str) or not text.strip():
            raise ValueError("target text must be a non-empty string")
        with self._lock:
            self.target_texts.append(text)
        voice = cache["voice"] if cache else "default"
        key = hashlib.sha256(text.encode() + b"\0" + voice.encode()).digest()
        rhythm = np.random.default_rng(int.from_bytes(key[:8], "little"))
        if cache:  # a reference recording fixes the speaker
            pitch = 100.0 + int.from_bytes(hashlib.sha256(voice.encode()).digest()[:2], "little") % 160
        else:  # zero-shot and design: the speaker is drawn from the random state, as in the real model
            base = 90.0 + int.from_bytes(hashlib.sha256(text.split(")")[0].encode()).digest()[:2], "little") % 120 \
                if text.startswith("(") else 140.0
            pitch = base + _draw() % 80
        chunks = max(min_len, min(max_len, 3 + len(text) // 6))
        noise_rng = np.random.default_rng(int.from_bytes(hashlib.sha256(self.device.encode()).digest()[:8], "little"))
        t = np.arange(CHUNK_SAMPLES) / SAMPLE_RATE
        phase = 0.0
        try:
            for index in range(chunks):
                delay = self.first_chunk_delay if index == 0 else self.chunk_delay
                if delay:
                    time.sleep(delay)
                if self.fail_after is not None and index >= self.fail_after:
                    raise RuntimeError(f"stand-in injected failure after {index} chunks")
                step = np.random.default_rng([int(rhythm.integers(0, 2**63)), _draw()])  # per-step noise
                pause = index % 7 == 6 or index == chunks - 1
                if pause:
                    audio = step.normal(0.0, 0.001, CHUNK_SAMPLES)
                else:
                    f0 = pitch * (1.0 + 0.15 * step.uniform(-1, 1))
                    inst = 2 * np.pi * f0 * t + phase
                    phase = float(inst[-1] + 2 * np.pi * f0 / SAMPLE_RATE)
                    voiced = np.sin(inst) + 0.5 * np.sin(2 * inst) + 0.25 * np.sin(3 * inst)
                    syllables = step.integers(1, 3)
                    envelope = np.sin(np.pi * syllables * t / t[-1]) ** 2
                    audio = step.uniform(0.25, 0.45) * envelope * voiced / 1.75
                if self.perturbation:
                    audio = audio + self.perturbation * np.std(audio) * noise_rng.standard_normal(CHUNK_SAMPLES)
                with self._lock:
                    self.chunks_generated += 1
                yield audio.astype(np.float32)[None, :], list(text.encode()), []
            with self._lock:
                self.generators_finished += 1
        except GeneratorExit:
            with self._lock:
                self.generators_closed_early += 1
            raise


class StandInVoxCPMWithSeed(StandInVoxCPM):
    """TEST DOUBLE of voxcpm after 2.0.3: ``seed`` is a parameter and seeds the global generator."""

    def _generate_with_prompt_cache(self, target_text, prompt_cache=None, min_len=2, max_len=2000,
                                    inference_timesteps=10, cfg_value=2.0, retry_badcase=False,
                                    retry_badcase_max_times=3, retry_badcase_ratio_threshold=6.0,
                                    streaming=False, streaming_prefix_len=4, seed=None):
        if seed is not None:
            manual_seed(seed)
        return self._stream(target_text, prompt_cache, min_len, max_len)
