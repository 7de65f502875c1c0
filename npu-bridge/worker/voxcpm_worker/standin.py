"""TEST DOUBLE: no VoxCPM2 weights or NPU exist here.

``StandInVoxCPM`` implements the slice of voxcpm's interface that the worker uses (the wrapper's
``generate`` / ``generate_streaming`` and the model's ``build_prompt_cache`` /
``generate_with_prompt_cache[_streaming]``) with the real shapes and rates: 48 kHz mono float32,
one 160 ms chunk (7680 samples) per generation step, chunks yielded as ``(Tensor[1, 7680], tokens,
patches)`` tuples by the prompt-cache API. Its audio is deterministic: a sequence of voiced
"syllables" whose pitch and rhythm derive from a hash of the text, voice and seed, with pauses, so it
has speech-like energy for the audio checks. It is selected only by ``--model standin``.
"""
from __future__ import annotations

import hashlib
import threading
import time
import wave
from types import SimpleNamespace
from typing import Optional

import numpy as np

SAMPLE_RATE = 48000
CHUNK_SAMPLES = 7680  # 4 latent frames x 1920 samples: one 160 ms patch at 48 kHz
MODEL_VERSION = "standin-test-double (not VoxCPM2)"

# Invented sizes, shaped like VoxCPM2's components; they only give the residency check something to count.
_COMPONENTS = (("base_lm", 1_000_000, "torch.bfloat16"), ("residual_lm", 300_000, "torch.bfloat16"),
               ("feat_encoder", 50_000, "torch.bfloat16"), ("feat_decoder", 80_000, "torch.bfloat16"),
               ("audio_vae", 40_000, "torch.float32"))


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
    """TEST DOUBLE: no VoxCPM2 weights or NPU exist here.

    Knobs for tests: ``chunk_delay`` (seconds slept per chunk, as if computing), ``fail_after``
    (raise after that many chunks of a call), ``perturbation`` (relative deterministic noise, to make
    one "device" differ from another), ``misplaced_parameters`` (left on the CPU, to fail residency).
    """

    def __init__(self, device: str = "cpu", chunk_delay: float = 0.0, fail_after: Optional[int] = None,
                 perturbation: float = 0.0, misplaced_parameters: int = 0):
        self.device = device
        self.sample_rate = SAMPLE_RATE
        self.dtype = "bfloat16"
        self.chunk_delay = chunk_delay
        self.fail_after = fail_after
        self.perturbation = perturbation
        self._lock = threading.Lock()
        # Observable counters for tests.
        self.prompt_cache_builds = 0
        self.chunks_generated = 0
        self.generators_closed_early = 0
        self.generators_finished = 0
        self._children = []
        for i, (name, count, dtype) in enumerate(_COMPONENTS):
            off = misplaced_parameters if i == 0 else 0
            params = [_FakeParameter(count=count - off, device=_device_of(device), dtype=dtype)]
            if off:
                params.append(_FakeParameter(count=off, device=_device_of("cpu"), dtype=dtype))
            self._children.append((name, _FakeModule(params)))

    # voxcpm.VoxCPM exposes the model as .tts_model; the stand-in is both layers at once.
    @property
    def tts_model(self):
        return self

    def named_children(self):
        return iter(self._children)

    def _generate_with_prompt_cache(self, target_text, prompt_cache=None, min_len=2, max_len=2000,
                                    inference_timesteps=10, cfg_value=2.0, retry_badcase=False,
                                    retry_badcase_max_times=3, retry_badcase_ratio_threshold=6.0,
                                    streaming=False, streaming_prefix_len=4, seed=None):
        return self._stream(target_text, prompt_cache, min_len, max_len, seed)

    # --- model layer (VoxCPM2Model) -------------------------------------------------------------
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
        return {"mode": mode, "voice": digest.hexdigest(), "prompt_text": prompt_text or ""}

    def generate_with_prompt_cache_streaming(self, *args, **kwargs):
        return self._generate_with_prompt_cache(*args, streaming=True, **kwargs)

    def generate_with_prompt_cache(self, *args, **kwargs):
        chunks = [c for c, _, _ in self._generate_with_prompt_cache(*args, **kwargs)]
        return np.concatenate(chunks, axis=1), [], []

    # --- wrapper layer (voxcpm.VoxCPM) ----------------------------------------------------------
    def generate_streaming(self, text: str, prompt_wav_path: str = None, prompt_text: str = None,
                           reference_wav_path: str = None, cfg_value: float = 2.0,
                           inference_timesteps: int = 10, min_len: int = 2, max_len: int = 4096,
                           seed: Optional[int] = None, **_ignored):
        cache = None
        if prompt_wav_path or reference_wav_path:
            cache = self.build_prompt_cache(prompt_text, prompt_wav_path, reference_wav_path)
        for chunk, _, _ in self._stream(text, cache, min_len, max_len, seed):
            yield chunk[0]

    def generate(self, *args, **kwargs) -> np.ndarray:
        return np.concatenate(list(self.generate_streaming(*args, **kwargs)))

    # --- the deterministic "speech" -------------------------------------------------------------
    def _stream(self, text, cache, min_len, max_len, seed):
        if not isinstance(text, str) or not text.strip():
            raise ValueError("target text must be a non-empty string")
        voice = cache["voice"] if cache else "default"
        seed_bytes = str(seed if seed is not None else 0).encode()
        key = hashlib.sha256(text.encode() + b"\0" + voice.encode() + b"\0" + seed_bytes).digest()
        rng = np.random.default_rng(int.from_bytes(key[:8], "little"))
        pitch = 100.0 + int.from_bytes(hashlib.sha256(voice.encode()).digest()[:2], "little") % 160
        if text.startswith("("):  # a design prefix changes the voice, as in the real model
            pitch = 90.0 + int.from_bytes(hashlib.sha256(text.split(")")[0].encode()).digest()[:2], "little") % 200
        chunks = max(min_len, min(max_len, 3 + len(text) // 6))
        noise_rng = np.random.default_rng(int.from_bytes(hashlib.sha256(self.device.encode()).digest()[:8], "little"))
        t = np.arange(CHUNK_SAMPLES) / SAMPLE_RATE
        phase = 0.0
        try:
            for index in range(chunks):
                if self.chunk_delay:
                    time.sleep(self.chunk_delay)
                if self.fail_after is not None and index >= self.fail_after:
                    raise RuntimeError(f"stand-in injected failure after {index} chunks")
                pause = index % 7 == 6 or index == chunks - 1
                if pause:
                    audio = rng.normal(0.0, 0.001, CHUNK_SAMPLES)
                else:
                    f0 = pitch * (1.0 + 0.15 * rng.uniform(-1, 1))
                    inst = 2 * np.pi * f0 * t + phase
                    phase = float(inst[-1] + 2 * np.pi * f0 / SAMPLE_RATE)
                    voiced = np.sin(inst) + 0.5 * np.sin(2 * inst) + 0.25 * np.sin(3 * inst)
                    syllables = rng.integers(1, 3)
                    envelope = np.sin(np.pi * syllables * t / t[-1]) ** 2
                    audio = rng.uniform(0.25, 0.45) * envelope * voiced / 1.75
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
