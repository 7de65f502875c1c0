"""Registered voices and prompt caches, built once and shared by every model instance.

A prompt cache holds the reference encoded by the audio VAE (float32 CPU tensors, about 1 KB per
160 ms) and is only read by generation, so one cache can serve all instances. Building one costs a
VAE pass on the device, so it happens on the first request that needs it, on the instance that
serves that request, and never again. Inline references are cached too, by content hash, in a small
LRU: an IVR that sends the same clip with every prompt encodes it once.
"""
from __future__ import annotations

import collections
import hashlib
import io
import os
import tempfile
import threading
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Optional, Tuple

#: Cache kinds: the reference alone (clone) or reference + transcript continuation (ultimate clone).
REFERENCE = "reference"
REF_CONTINUATION = "ref_continuation"
#: What vLLM-Omni accepts, and what VoxCPM2's docs advise (5-30 s works best).
MIN_SECONDS = 1.0
MAX_SECONDS = 30.0


class InvalidAudio(ValueError):
    pass


class TooManyVoices(Exception):
    """The registry holds its maximum number of voices; one must be deleted first."""


def validate_wav(data: bytes) -> float:
    """Checks that the bytes are a 16-bit PCM WAV of 1-30 s; returns its duration in seconds."""
    try:
        with wave.open(io.BytesIO(data), "rb") as wav:
            if wav.getsampwidth() != 2:
                raise InvalidAudio(f"reference WAV must be 16-bit PCM, got {8 * wav.getsampwidth()}-bit")
            frames = wav.getnframes()
            rate = wav.getframerate()
    except (wave.Error, EOFError) as exc:
        raise InvalidAudio(f"reference is not a readable PCM WAV file: {exc}") from None
    if frames == 0:
        raise InvalidAudio("reference WAV holds no audio")
    seconds = frames / rate
    if not MIN_SECONDS <= seconds <= MAX_SECONDS:
        raise InvalidAudio(f"reference is {seconds:.2f} s long; VoxCPM2 takes {MIN_SECONDS:.0f}-{MAX_SECONDS:.0f} s")
    return seconds


def voice_id_for(wav: bytes, transcript: str) -> str:
    """Documented in voxcpm_worker.proto: clients compute it to delete a voice."""
    digest = hashlib.sha256()
    digest.update(wav)
    digest.update(b"\0")
    digest.update(transcript.encode("utf-8"))
    return "v-" + digest.hexdigest()[:32]


@dataclass(frozen=True)
class Voice:
    voice_id: str
    wav_path: str
    transcript: str
    sha256: str  # of the WAV bytes: SynthesisSummary.reference_sha256


def build_cache(model, wav_path: str, transcript: str, kind: str, trim_silence: bool = True) -> dict:
    if kind == REFERENCE:
        return model.build_prompt_cache(trim_silence, reference_wav_path=wav_path)
    # The README's recipe for the highest similarity: the same clip as reference and as prompt.
    return model.build_prompt_cache(trim_silence, prompt_text=transcript, prompt_wav_path=wav_path,
                                    reference_wav_path=wav_path)


class _OnceCaches:
    """Prompt caches by key, each built once even when two instances ask at the same time."""

    def __init__(self, capacity: Optional[int] = None):
        self._lock = threading.Lock()
        self._caches: "collections.OrderedDict[tuple, dict]" = collections.OrderedDict()
        self._build_locks: Dict[tuple, threading.Lock] = {}
        self._capacity = capacity

    def get(self, key: tuple, build) -> dict:
        with self._lock:
            cache = self._caches.get(key)
            if cache is not None:
                self._caches.move_to_end(key)
                return cache
            build_lock = self._build_locks.setdefault(key, threading.Lock())
        with build_lock:  # the second asker waits for the first's result
            with self._lock:
                cache = self._caches.get(key)
            if cache is None:
                cache = build()
                with self._lock:
                    self._caches[key] = cache
                    self._build_locks.pop(key, None)
                    while self._capacity is not None and len(self._caches) > self._capacity:
                        self._caches.popitem(last=False)
            return cache

    def drop(self, predicate) -> None:
        with self._lock:
            for key in [k for k in self._caches if predicate(k)]:
                del self._caches[key]


class VoiceRegistry:
    def __init__(self, directory: Optional[str] = None, trim_silence: bool = True, inline_capacity: int = 32,
                 max_voices: Optional[int] = None):
        self._max_voices = max_voices
        self._dir = Path(directory) if directory else Path(tempfile.mkdtemp(prefix="voxcpm-voices-"))
        self._dir.mkdir(parents=True, exist_ok=True)
        self._trim = trim_silence
        self._lock = threading.Lock()
        self._voices: Dict[str, Voice] = {}
        self._caches = _OnceCaches()
        self._inline = _OnceCaches(inline_capacity)
        for wav_path in sorted(self._dir.glob("v-*.wav")):  # voices survive a restart with --voice-dir
            text_path = wav_path.with_suffix(".txt")
            transcript = text_path.read_text(encoding="utf-8") if text_path.exists() else ""
            sha = hashlib.sha256(wav_path.read_bytes()).hexdigest()
            self._voices[wav_path.stem] = Voice(wav_path.stem, str(wav_path), transcript, sha)

    @property
    def directory(self) -> Path:
        return self._dir

    def register(self, wav: bytes, transcript: str) -> Tuple[str, bool]:
        """Stores the voice; returns (voice_id, already_registered). Raises InvalidAudio or TooManyVoices."""
        validate_wav(wav)
        voice_id = voice_id_for(wav, transcript)
        with self._lock:
            if voice_id in self._voices:
                return voice_id, True
            if self._max_voices is not None and len(self._voices) >= self._max_voices:
                raise TooManyVoices(f"this worker holds its maximum of {self._max_voices} voices "
                                    "(--max-voices); delete one first")
            wav_path = self._dir / f"{voice_id}.wav"
            # The transcript first: a crash between the two leaves no WAV, so no voice without its words.
            text_tmp = self._dir / f"{voice_id}.txt.part"
            text_tmp.write_text(transcript, encoding="utf-8")
            os.replace(text_tmp, self._dir / f"{voice_id}.txt")
            tmp = wav_path.with_suffix(".part")
            tmp.write_bytes(wav)
            os.replace(tmp, wav_path)
            self._voices[voice_id] = Voice(voice_id, str(wav_path), transcript, hashlib.sha256(wav).hexdigest())
            return voice_id, False

    def delete(self, voice_id: str) -> bool:
        """Forgets the voice, its files and its prompt caches; False when it was not registered."""
        with self._lock:
            voice = self._voices.pop(voice_id, None)
            if voice is None:
                return False
            for suffix in (".wav", ".txt"):
                try:
                    (self._dir / f"{voice_id}{suffix}").unlink()
                except FileNotFoundError:
                    pass
        self._caches.drop(lambda key: key[0] == voice_id)
        return True

    def get(self, voice_id: str) -> Optional[Voice]:
        with self._lock:
            return self._voices.get(voice_id)

    def __contains__(self, voice_id: str) -> bool:
        return self.get(voice_id) is not None

    def prompt_cache(self, voice: Voice, kind: str, model) -> dict:
        """The voice's cache of that kind, built with ``model`` the first time it is asked for."""
        return self._caches.get((voice.voice_id, kind),
                                lambda: build_cache(model, voice.wav_path, voice.transcript, kind, self._trim))

    def inline_cache(self, model, wav: bytes, transcript: str, kind: str) -> dict:
        """A cache for an inline reference, kept by content hash among the most recent few."""
        key = (hashlib.sha256(wav).hexdigest(), transcript, kind)
        return self._inline.get(key, lambda: inline_cache(model, wav, transcript, kind, self._trim))


def inline_cache(model, wav: bytes, transcript: str, kind: str, trim_silence: bool = True) -> dict:
    """Encodes a one-off reference (no registry)."""
    fd, path = tempfile.mkstemp(prefix="voxcpm-inline-", suffix=".wav")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(wav)
        return build_cache(model, path, transcript, kind, trim_silence)
    finally:
        os.unlink(path)
