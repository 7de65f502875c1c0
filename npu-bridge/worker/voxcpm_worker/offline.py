"""In-process synthesis for the command-line tools: the worker's own request path, without gRPC."""
from __future__ import annotations

import time
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import numpy as np

from . import modes
from .modes import Defaults, InlineReference, SynthesisInput
from .generation import pcm16
from .voices import inline_cache


@dataclass(frozen=True)
class Result:
    audio: np.ndarray
    sample_rate: int
    generation_seconds: float
    first_chunk_seconds: float
    chunks: int

    @property
    def audio_seconds(self) -> float:
        return len(self.audio) / self.sample_rate

    @property
    def rtf(self) -> float:
        return self.generation_seconds / self.audio_seconds if len(self.audio) else float("inf")


def synthesize(model, mode: str, text: str, description: str = "", reference: Optional[bytes] = None,
               transcript: str = "", cfg_value: float = 0, inference_timesteps: int = 0, seed: int = 0,
               max_length: int = 0, defaults: Defaults = Defaults()) -> Result:
    """Raises modes.InvalidRequest for the combinations the worker refuses. Same planning, caching,
    normalisation and seeding as a gRPC call; no registry, no queue."""
    request = SynthesisInput(text=text, mode=mode, description=description, cfg_value=cfg_value,
                             inference_timesteps=inference_timesteps, seed=seed, max_length=max_length,
                             inline=InlineReference(reference, transcript) if reference is not None else None)
    plan = modes.plan(request, lambda voice_id: None, defaults)
    start = time.monotonic()
    cache = inline_cache(model, plan.inline_wav, plan.transcript, plan.cache_kind) if plan.inline_wav else None
    spoken = model.normalize(plan.text) if plan.normalize else plan.text
    chunks = []
    first = 0.0
    for chunk in model.stream(plan.prefix + spoken, cache, plan.cfg_value, plan.inference_timesteps,
                              plan.max_length, plan.seed):
        if not chunks:
            first = time.monotonic() - start
        chunks.append(chunk)
    elapsed = time.monotonic() - start
    audio = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
    return Result(audio, model.sample_rate, elapsed, first, len(chunks))


def write_wav(path, samples: np.ndarray, rate: int) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm16(samples))


def read_wav(path):
    """Returns (mono float samples in [-1, 1], sample rate); multi-channel files are averaged."""
    with wave.open(str(path), "rb") as wav:
        width, channels, rate = wav.getsampwidth(), wav.getnchannels(), wav.getframerate()
        raw = wav.readframes(wav.getnframes())
    if width != 2:
        raise ValueError(f"{path}: only 16-bit PCM WAV is supported, got {8 * width}-bit")
    samples = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    return samples.reshape(-1, channels).mean(axis=1), rate


def add_model_arguments(parser) -> None:
    parser.add_argument("--model-dir", help="local VoxCPM2 model directory")
    parser.add_argument("--device", default="auto", help="npu, npu:N, cuda, cuda:N, cpu or auto (default auto)")
    parser.add_argument("--model", choices=("voxcpm2", "standin"), default="voxcpm2",
                        help="standin = TEST DOUBLE producing deterministic tones (never the default)")
    parser.add_argument("--kv-cache-length", type=int, help="static KV cache positions (default: the model's)")
    parser.add_argument("--standin-perturbation", type=float, default=0.0,
                        help="stand-in only: relative noise added on --device (to exercise a failing comparison)")
    parser.add_argument("--standin-api", choices=("2.0.3", "newer"), default="2.0.3",
                        help="stand-in only: the voxcpm API it imitates (2.0.3 has no seed argument)")


def load_options(args, device: Optional[str] = None, perturbation: float = 0.0):
    from .model import LoadOptions
    return LoadOptions(model=args.model, model_dir=args.model_dir, device=device or args.device,
                       kv_cache_length=args.kv_cache_length, standin_api=args.standin_api,
                       standin_perturbation=perturbation)


def run_tool(main) -> None:
    """Maps start-up failures to their documented exit codes, without a traceback."""
    import logging
    import sys
    from .errors import StartupError
    logging.basicConfig(level="INFO", stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    try:
        sys.exit(main())
    except StartupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
