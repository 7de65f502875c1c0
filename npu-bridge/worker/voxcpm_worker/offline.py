"""In-process synthesis for the command-line tools: the worker's own request path, without gRPC."""
from __future__ import annotations

import time
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import numpy as np

from . import modes
from .modes import Defaults
from .protos import pb
from .server import pcm16
from .voices import inline_cache

MODE_NAMES = {modes.ZERO_SHOT: pb.MODE_ZERO_SHOT, modes.DESIGN: pb.MODE_DESIGN,
              modes.CLONE: pb.MODE_CLONE, modes.ULTIMATE_CLONE: pb.MODE_ULTIMATE_CLONE}


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
    """Raises modes.InvalidRequest for the combinations the worker refuses."""
    request = pb.SynthesizeRequest(text=text, mode=MODE_NAMES[mode], description=description, cfg_value=cfg_value,
                                   inference_timesteps=inference_timesteps, seed=seed, max_length=max_length)
    if reference is not None:
        request.inline_reference.wav = reference
        request.inline_reference.transcript = transcript
    plan = modes.plan(request, mode, voices=None, defaults=defaults)
    start = time.monotonic()
    cache = inline_cache(model, plan.inline_wav, plan.transcript, plan.cache_kind) if plan.inline_wav else None
    chunks = []
    first = 0.0
    for chunk in model.stream(plan.target_text, cache, plan.cfg_value, plan.inference_timesteps,
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
    parser.add_argument("--enable-denoiser", action="store_true", help="load the ZipEnhancer denoiser")
    parser.add_argument("--model", choices=("voxcpm2", "standin"), default="voxcpm2",
                        help="standin = TEST DOUBLE producing deterministic tones (never the default)")
    parser.add_argument("--standin-perturbation", type=float, default=0.0,
                        help="stand-in only: relative noise added on --device (to exercise a failing comparison)")


def load_options(args, device: Optional[str] = None, perturbation: float = 0.0):
    from .model import LoadOptions
    return LoadOptions(model=args.model, model_dir=args.model_dir, device=device or args.device,
                       enable_denoiser=args.enable_denoiser, standin_perturbation=perturbation)


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
