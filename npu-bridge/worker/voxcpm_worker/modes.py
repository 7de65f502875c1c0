"""Turns a synthesis request (plain values) into what voxcpm is called with.

The four modes map onto VoxCPM2 as follows:
  zero-shot       no prompt cache
  design          no prompt cache, "(description)text"
  clone           reference-only cache; an optional style description as the same prefix
  ultimate clone  reference + transcript continuation cache; never a description, because in
                  prompt-continuation mode the model reads the description aloud

Nothing here knows gRPC: the servicer copies the protobuf fields into a ``SynthesisInput``.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Optional

from .voices import REFERENCE, REF_CONTINUATION, InvalidAudio, Voice, validate_wav

ZERO_SHOT, DESIGN, CLONE, ULTIMATE_CLONE = "zero-shot", "design", "clone", "ultimate-clone"
MODES = (ZERO_SHOT, DESIGN, CLONE, ULTIMATE_CLONE)

_WHITESPACE = re.compile(r"\s+")
_PARENS = re.compile(r"[()（）]")
MAX_TIMESTEPS = 100
MAX_CFG = 10.0
#: A voice description or a reference transcript longer than this is no description: refuse it rather
#: than spend the KV cache on it.
MAX_DESCRIPTION_CHARS = 500
MAX_TRANSCRIPT_CHARS = 2000


class InvalidRequest(ValueError):
    pass


@dataclass(frozen=True)
class Defaults:
    cfg_value: float = 2.0
    inference_timesteps: int = 10
    max_length: int = 4096  # in 160 ms patches, voxcpm's max_len (the wrapper's default)
    kv_cache_length: int = 8192  # a request may not ask for more patches than the KV cache holds
    normalize_text: bool = False
    max_text_chars: int = 20000  # the server's synth.max-text-chars default


@dataclass(frozen=True)
class InlineReference:
    wav: bytes
    transcript: str = ""


@dataclass(frozen=True)
class SynthesisInput:
    """A request as plain values; 0 means "the worker's default" for the numbers, as on the wire."""
    text: str
    mode: Optional[str]
    description: str = ""
    voice_id: Optional[str] = None
    inline: Optional[InlineReference] = None
    cfg_value: float = 0.0
    inference_timesteps: int = 0
    max_length: int = 0
    seed: int = 0


@dataclass(frozen=True)
class Plan:
    mode: str
    prefix: str               # "(description)" or ""; never normalised
    text: str                 # what is spoken; normalised on the instance thread when configured
    cache_kind: Optional[str]
    voice: Optional[Voice]
    inline_wav: Optional[bytes]
    transcript: str
    cfg_value: float
    inference_timesteps: int
    max_length: int
    seed: int
    normalize: bool = False

    @property
    def target_text(self) -> str:
        return self.prefix + self.text


def design_prefix(description: str) -> str:
    """ASCII parentheses only: full-width ones are stripped by voxcpm's zh normaliser and inner ones
    would end the prefix early (the Gradio demo removes them the same way)."""
    cleaned = _WHITESPACE.sub(" ", _PARENS.sub("", description)).strip()
    return f"({cleaned})" if cleaned else ""


def plan(request: SynthesisInput, find_voice, defaults: Defaults) -> Plan:
    """``find_voice(voice_id)`` returns a registered Voice or None."""
    if request.mode not in MODES:
        raise InvalidRequest("mode is required (zero-shot, design, clone or ultimate clone)")
    mode_name = request.mode
    if len(request.text) > defaults.max_text_chars:
        raise InvalidRequest(f"text of {len(request.text)} characters exceeds this worker's limit of "
                             f"{defaults.max_text_chars}")
    text = _WHITESPACE.sub(" ", request.text.replace("\n", " ")).strip()  # as voxcpm's wrapper does
    if not text:
        raise InvalidRequest("text is empty")
    description = request.description.strip()
    if len(description) > MAX_DESCRIPTION_CHARS:
        raise InvalidRequest(f"description of {len(description)} characters exceeds {MAX_DESCRIPTION_CHARS}")
    which = "voice_id" if request.voice_id else "inline_reference" if request.inline is not None else None
    voice = None
    inline_wav = None
    transcript = ""
    if which == "voice_id":
        voice = find_voice(request.voice_id)
        if voice is None:
            raise InvalidRequest(f"unknown voice_id {request.voice_id}: register it with RegisterVoice first")
        transcript = voice.transcript
    elif which == "inline_reference":
        inline_wav = request.inline.wav
        transcript = request.inline.transcript.strip()
        if len(transcript) > MAX_TRANSCRIPT_CHARS:
            raise InvalidRequest(f"transcript of {len(transcript)} characters exceeds {MAX_TRANSCRIPT_CHARS}")
        try:
            validate_wav(inline_wav)
        except InvalidAudio as exc:
            raise InvalidRequest(str(exc)) from None

    if mode_name in (ZERO_SHOT, DESIGN):
        if which:
            raise InvalidRequest(f"mode {mode_name} takes no reference recording (use clone or ultimate clone)")
        if mode_name == ZERO_SHOT and description:
            raise InvalidRequest("mode zero-shot takes no description (use design)")
        if mode_name == DESIGN and not design_prefix(description):
            raise InvalidRequest("mode design needs a voice description")
        cache_kind = None
    else:
        if not which:
            raise InvalidRequest(f"mode {mode_name} needs a voice_id or an inline_reference")
        if mode_name == ULTIMATE_CLONE:
            if description:
                raise InvalidRequest("ultimate clone does not take a description: in prompt-continuation mode "
                                     "VoxCPM2 reads it aloud; use clone with a description for a styled clone")
            if not transcript:
                raise InvalidRequest("ultimate clone needs the exact transcript of the reference recording")
            cache_kind = REF_CONTINUATION
        else:
            cache_kind = REFERENCE
    prefix = design_prefix(description) if mode_name in (DESIGN, CLONE) else ""

    if not math.isfinite(request.cfg_value):  # NaN passes every comparison below
        raise InvalidRequest("cfg_value must be a finite number")
    if request.cfg_value < 0 or request.inference_timesteps < 0 or request.max_length < 0:
        raise InvalidRequest("cfg_value, inference_timesteps and max_length must not be negative")
    if request.cfg_value > MAX_CFG or request.inference_timesteps > MAX_TIMESTEPS:
        raise InvalidRequest(f"cfg_value above {MAX_CFG:g} or inference_timesteps above {MAX_TIMESTEPS}")
    if request.max_length > defaults.kv_cache_length:
        raise InvalidRequest(f"max_length {request.max_length} exceeds this worker's KV cache of "
                             f"{defaults.kv_cache_length} positions")
    return Plan(mode=mode_name, prefix=prefix, text=text, cache_kind=cache_kind, voice=voice,
                inline_wav=inline_wav, transcript=transcript,
                cfg_value=request.cfg_value or defaults.cfg_value,
                inference_timesteps=request.inference_timesteps or defaults.inference_timesteps,
                max_length=request.max_length or defaults.max_length,
                seed=request.seed, normalize=defaults.normalize_text)
