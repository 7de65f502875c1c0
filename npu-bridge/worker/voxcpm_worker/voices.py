"""Registered voices and their prompt caches, built once and shared by every model instance.

A prompt cache holds the reference encoded by the audio VAE (float32 CPU tensors, about 1 KB per
160 ms) and is only read by generation, so one cache can serve all instances. Building one costs a
VAE pass on the device, so it happens on the first request that needs it, on the instance that
serves that request, and never again.
"""
from __future__ import annotations

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


class InvalidAudio(ValueError):
    pass


def validate_wav(data: bytes) -> float:
    """Checks that the bytes are a 16-bit PCM WAV with audio; returns its duration in seconds."""
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
    return frames / rate


def voice_id_for(wav: bytes, transcript: str) -> str:
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


class VoiceRegistry:
    def __init__(self, directory: Optional[str] = None):
        self._dir = Path(directory) if directory else Path(tempfile.mkdtemp(prefix="voxcpm-voices-"))
        self._dir.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._voices: Dict[str, Voice] = {}
        self._caches: Dict[Tuple[str, str], dict] = {}
        self._build_locks: Dict[Tuple[str, str], threading.Lock] = {}
        for wav_path in sorted(self._dir.glob("v-*.wav")):  # voices survive a restart with --voice-dir
            text_path = wav_path.with_suffix(".txt")
            transcript = text_path.read_text(encoding="utf-8") if text_path.exists() else ""
            self._voices[wav_path.stem] = Voice(wav_path.stem, str(wav_path), transcript)

    @property
    def directory(self) -> Path:
        return self._dir

    def register(self, wav: bytes, transcript: str) -> Tuple[str, bool]:
        """Stores the voice; returns (voice_id, already_registered). Raises InvalidAudio."""
        validate_wav(wav)
        voice_id = voice_id_for(wav, transcript)
        with self._lock:
            if voice_id in self._voices:
                return voice_id, True
            wav_path = self._dir / f"{voice_id}.wav"
            tmp = wav_path.with_suffix(".part")
            tmp.write_bytes(wav)
            os.replace(tmp, wav_path)
            (self._dir / f"{voice_id}.txt").write_text(transcript, encoding="utf-8")
            self._voices[voice_id] = Voice(voice_id, str(wav_path), transcript)
            return voice_id, False

    def get(self, voice_id: str) -> Optional[Voice]:
        with self._lock:
            return self._voices.get(voice_id)

    def __contains__(self, voice_id: str) -> bool:
        return self.get(voice_id) is not None

    def prompt_cache(self, voice: Voice, kind: str, model) -> dict:
        """The voice's cache of that kind, built with ``model`` the first time it is asked for."""
        key = (voice.voice_id, kind)
        with self._lock:
            cache = self._caches.get(key)
            if cache is not None:
                return cache
            build_lock = self._build_locks.setdefault(key, threading.Lock())
        with build_lock:  # two instances asking at once: the second waits for the first's result
            with self._lock:
                cache = self._caches.get(key)
            if cache is None:
                cache = build_cache(model, voice.wav_path, voice.transcript, kind)
                with self._lock:
                    self._caches[key] = cache
            return cache


def build_cache(model, wav_path: str, transcript: str, kind: str) -> dict:
    if kind == REFERENCE:
        return model.build_prompt_cache(reference_wav_path=wav_path)
    # The README's recipe for the highest similarity: the same clip as reference and as prompt.
    return model.build_prompt_cache(prompt_text=transcript, prompt_wav_path=wav_path, reference_wav_path=wav_path)


def inline_cache(model, wav: bytes, transcript: str, kind: str) -> dict:
    """A one-off cache for an inline reference; the recording is re-encoded on every such call."""
    fd, path = tempfile.mkstemp(prefix="voxcpm-inline-", suffix=".wav")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(wav)
        return build_cache(model, path, transcript, kind)
    finally:
        os.unlink(path)
