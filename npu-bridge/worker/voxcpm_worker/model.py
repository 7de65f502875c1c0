"""Loading VoxCPM2 (or the stand-in) onto a device and checking that it really lives there."""
from __future__ import annotations

import inspect
import json
import logging
import os
import tempfile
import wave
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, List, Optional

import numpy as np

from . import device as devices
from . import seeding
from .errors import (StartupError, EXIT_NO_WEIGHTS, EXIT_NO_VOXCPM, EXIT_OUT_OF_MEMORY, EXIT_RESIDENCY,
                     is_out_of_memory)

log = logging.getLogger("voxcpm_worker.model")

#: The audio VAE is kept in float32 by voxcpm (from_local casts it back after the bf16 cast).
FLOAT32_COMPONENTS = ("audio_vae",)
_WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pth", ".pt")


@dataclass(frozen=True)
class LoadOptions:
    model: str = "voxcpm2"               # or "standin"
    model_dir: Optional[str] = None
    device: str = "auto"
    compile: bool = True                 # only ever honoured on CUDA
    kv_cache_length: Optional[int] = None  # positions of each static KV cache; None: the model's (8192)
    standin_api: str = "2.0.3"           # the stand-in's voxcpm API: "2.0.3" (no seed) or "newer"
    standin_chunk_delay: float = 0.0
    standin_first_chunk_delay: Optional[float] = None  # None: standin_chunk_delay
    standin_fail_after: Optional[int] = None
    standin_perturbation: float = 0.0
    standin_misplaced_parameters: int = 0


@dataclass(frozen=True)
class Residency:
    component: str
    total: int
    on_device: int
    expected_dtype: str
    with_expected_dtype: int

    @property
    def complete(self) -> bool:
        return self.total == self.on_device == self.with_expected_dtype


@dataclass
class LoadedModel:
    """One model instance: the object with voxcpm's prompt-cache API plus what Info reports."""
    tts: object
    device: str
    dtype: str
    model_version: str
    sample_rate: int
    residency: List[Residency] = field(default_factory=list)
    seeder: Callable[[int], None] = lambda seed: None
    normalizer_factory: Optional[Callable[[], object]] = None
    kv_cache_length: int = 8192
    _normalizer: object = None

    @property
    def accepts_seed(self) -> bool:
        """voxcpm newer than 2.0.3 takes ``seed``; 2.0.3 raises TypeError on it."""
        return "seed" in inspect.signature(self.tts._generate_with_prompt_cache).parameters

    @property
    def seeded_by(self) -> str:
        return seeding.BY_PARAMETER if self.accepts_seed else seeding.BY_GENERATORS

    def build_prompt_cache(self, trim_silence: bool = True, **kwargs) -> dict:
        if trim_silence and "trim_silence_vad" in inspect.signature(self.tts.build_prompt_cache).parameters:
            kwargs["trim_silence_vad"] = True  # leading/trailing silence of a reference leaks into every prompt
        return self.tts.build_prompt_cache(**kwargs)

    def normalize(self, text: str) -> str:
        """voxcpm's text normaliser (built on first use, on the instance thread); the caller keeps any
        "(description)" prefix out of it."""
        if self.normalizer_factory is None:
            return text
        if self._normalizer is None:
            self._normalizer = self.normalizer_factory()
        return self._normalizer.normalize(text)

    def stream(self, target_text: str, prompt_cache: Optional[dict], cfg_value: float,
               inference_timesteps: int, max_len: int, seed: int) -> Iterator[np.ndarray]:
        """Yields mono float32 chunks; closing this generator closes voxcpm's (frees its KV state).

        Must run on the instance's thread. A seed (non-zero) goes in voxcpm's ``seed`` argument where
        it exists; on 2.0.3 torch's generators are seeded here, right before the generation is created.
        Either way the generation holds the process-wide RNG gate exclusively (see ``seeding``)."""
        kwargs = dict(target_text=target_text, prompt_cache=prompt_cache, min_len=2, max_len=max_len,
                      inference_timesteps=inference_timesteps, cfg_value=cfg_value, retry_badcase=False)
        with seeding.GATE.hold(exclusive=bool(seed)):
            if seed:
                if self.accepts_seed:
                    kwargs["seed"] = seed
                else:
                    self.seeder(seed)
            inner = self.tts.generate_with_prompt_cache_streaming(**kwargs)
            try:
                for item in inner:
                    yield to_numpy(item[0] if isinstance(item, tuple) else item)
            finally:
                inner.close()


#: What the warm-up speaks and encodes: enough to load every kernel of prefill, decode, LocDiT and VAE.
WARM_UP_TEXT = "Hello, this is a warm-up."
WARM_UP_PATCHES = 4


def _warm_up_reference(path: str, seconds: float = 2.0, rate: int = 16000) -> None:
    t = np.arange(int(seconds * rate)) / rate
    voiced = 0.3 * np.sin(2 * np.pi * 150 * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 3 * t))
    with wave.open(path, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((voiced * 32767).astype("<i2").tobytes())


def warm_up(model: LoadedModel) -> float:
    """Builds one prompt cache and runs one short generation from it, on the instance thread, before
    the worker reports SERVING: the first real call must not pay kernel loading and allocator growth.
    Returns the seconds it took."""
    import time
    start = time.monotonic()
    fd, path = tempfile.mkstemp(prefix="voxcpm-warmup-", suffix=".wav")
    os.close(fd)
    try:
        _warm_up_reference(path)
        cache = model.build_prompt_cache(reference_wav_path=path)
    finally:
        os.unlink(path)
    generator = model.stream(WARM_UP_TEXT, cache, 2.0, 10, WARM_UP_PATCHES, 0)
    try:
        for _ in generator:
            pass
    finally:
        generator.close()
    return time.monotonic() - start


def to_numpy(chunk) -> np.ndarray:
    if hasattr(chunk, "detach"):  # a torch tensor, possibly bf16 and on the accelerator
        chunk = chunk.detach().float().cpu().numpy()
    return np.asarray(chunk, dtype=np.float32).reshape(-1)


def _dtype_name(dtype) -> str:
    return str(dtype).replace("torch.", "")


def residency_report(tts, device: str, dtype: str) -> List[Residency]:
    """Counts, per top-level component, parameters on ``device`` and with the expected dtype."""
    kind, _, index = device.partition(":")
    want_index = int(index) if index else None
    report = []
    for name, module in tts.named_children():
        expected = "float32" if name in FLOAT32_COMPONENTS else dtype
        total = on_device = typed = 0
        for p in module.parameters():
            n = int(p.numel())
            total += n
            dev = p.device
            if dev.type == kind and (want_index is None or dev.index in (want_index, None)):
                on_device += n
            if _dtype_name(p.dtype) == expected:
                typed += n
        if total:
            report.append(Residency(name, total, on_device, expected, typed))
    return report


def check_residency(report: List[Residency], device: str) -> None:
    missing = [r for r in report if not r.complete]
    if missing:
        detail = "; ".join(f"{r.component}: {r.on_device:,}/{r.total:,} on {device}, "
                           f"{r.with_expected_dtype:,}/{r.total:,} {r.expected_dtype}" for r in missing)
        raise StartupError(EXIT_RESIDENCY, f"residency check failed: {detail}")


def _check_model_dir(model_dir: Optional[str]) -> Path:
    if not model_dir:
        raise StartupError(EXIT_NO_WEIGHTS, "no model directory given: pass --model-dir /path/to/VoxCPM2")
    path = Path(model_dir)
    if not path.is_dir():
        raise StartupError(EXIT_NO_WEIGHTS, f"model directory {path} does not exist")
    if not (path / "config.json").is_file():
        raise StartupError(EXIT_NO_WEIGHTS, f"{path} has no config.json: not a VoxCPM2 model directory")
    if not any(p.suffix in _WEIGHT_SUFFIXES for p in path.iterdir()):
        raise StartupError(EXIT_NO_WEIGHTS, f"{path} has no weight files ({', '.join(_WEIGHT_SUFFIXES)})")
    return path


def _load_standin(options: LoadOptions) -> LoadedModel:
    from . import standin

    spec = devices.DeviceSpec.parse(options.device)
    if spec.kind == "cpu":
        device = "cpu"
    else:  # the device check is real even for the test double
        devices.prepare_environment(spec)
        try:
            torch = devices.import_torch(spec)
        except StartupError:
            if spec.kind != "auto":
                raise
            torch = None
        device = devices.resolve(spec, torch) if torch is not None else "cpu"
    kind = standin.StandInVoxCPMWithSeed if options.standin_api == standin.API_NEWER else standin.StandInVoxCPM
    tts = kind(device=device, chunk_delay=options.standin_chunk_delay,
               first_chunk_delay=options.standin_first_chunk_delay, fail_after=options.standin_fail_after,
               perturbation=options.standin_perturbation, misplaced_parameters=options.standin_misplaced_parameters)
    if options.kv_cache_length:
        tts.config.max_length = options.kv_cache_length
    return LoadedModel(tts, device, tts.dtype, f"{standin.MODEL_VERSION}, voxcpm API {options.standin_api}",
                       tts.sample_rate, residency_report(tts, device, tts.dtype), seeder=standin.manual_seed,
                       normalizer_factory=standin.StandInNormalizer, kv_cache_length=tts.config.max_length)


def _silence_progress_bars() -> None:
    """voxcpm wraps every generation loop in tqdm, which writes a progress bar to stderr per request."""
    import sys
    for name in ("voxcpm.model.voxcpm2", "voxcpm.model.voxcpm"):
        module = sys.modules.get(name)
        if module is not None and hasattr(module, "tqdm"):
            module.tqdm = lambda iterable, *args, **kwargs: iterable


class _KvCacheLength:
    """Sets ``config.max_length`` (the static KV caches' size, read from config.json) while a model is
    constructed: a cache sized for the longest prompt the deployment sends costs less per step."""

    def __init__(self, length: Optional[int]):
        self.length = length
        self.patched = []

    def __enter__(self):
        if not self.length:
            return self
        import sys
        for name, cls_name in (("voxcpm.model.voxcpm2", "VoxCPM2Model"), ("voxcpm.model.voxcpm", "VoxCPMModel")):
            cls = getattr(sys.modules.get(name), cls_name, None)
            if cls is None:
                continue
            original = cls.__init__
            length = self.length

            def init(self_, config, *args, _original=original, **kwargs):
                config.max_length = length
                _original(self_, config, *args, **kwargs)

            cls.__init__ = init
            self.patched.append((cls, original))
        return self

    def __exit__(self, *exc):
        for cls, original in self.patched:
            cls.__init__ = original


def _load_voxcpm(options: LoadOptions) -> LoadedModel:
    model_dir = _check_model_dir(options.model_dir)
    spec = devices.DeviceSpec.parse(options.device)
    devices.prepare_environment(spec)  # before torch_npu is imported, anywhere
    torch = devices.import_torch(spec)
    device = devices.resolve(spec, torch)
    try:
        import voxcpm
    except ImportError as exc:
        raise StartupError(EXIT_NO_VOXCPM, f"the voxcpm package is not installed: {exc}")
    patched = devices.patch_voxcpm(torch)
    log.info("device %s (resolve_runtime_device patched in %s)", device, ", ".join(patched) or "no module")

    # voxcpm compiles only when its device string is exactly "cuda" (and uses CUDA graphs, which work
    # only there), so an indexed CUDA device is selected as the current device and passed as "cuda".
    voxcpm_device = device
    if device.startswith("cuda:"):
        torch.cuda.set_device(int(device.split(":")[1]))
        voxcpm_device = "cuda"
    elif device.startswith("npu"):
        torch.npu.set_device(device)
    optimize = options.compile and voxcpm_device == "cuda"
    # The denoiser is never loaded: the worker cleans nothing it is given (see README, "References").
    kwargs = dict(load_denoiser=False, local_files_only=True, optimize=optimize, device=voxcpm_device)
    import voxcpm.model.voxcpm2  # noqa: F401 - so that the KV cache length can be set on its class
    try:
        with _KvCacheLength(options.kv_cache_length):
            wrapper = voxcpm.VoxCPM.from_pretrained(str(model_dir), **kwargs)
    except Exception as exc:
        if is_out_of_memory(exc):
            raise StartupError(EXIT_OUT_OF_MEMORY, f"out of device memory while loading onto {device}: {exc}")
        raise
    tts = wrapper.tts_model
    dtype = _dtype_name(getattr(getattr(tts, "config", None), "dtype", "bfloat16"))
    try:
        arch = json.loads((model_dir / "config.json").read_text()).get("architecture", "voxcpm2")
    except (OSError, ValueError):
        arch = "voxcpm2"
    try:
        from importlib.metadata import version
        package = version("voxcpm")
    except Exception:  # vendored source without metadata
        package = "unknown"
    _silence_progress_bars()

    def normalizer():
        from voxcpm.utils.text_normalize import TextNormalizer
        return TextNormalizer()

    return LoadedModel(tts, device, dtype, f"{arch} ({model_dir.name}, voxcpm {package})",
                       int(tts.sample_rate), residency_report(tts, device, dtype),
                       seeder=seeding.torch_seeder(torch), normalizer_factory=normalizer,
                       kv_cache_length=int(getattr(tts.config, "max_length", 8192)))


def load(options: LoadOptions) -> LoadedModel:
    """Loads one instance and verifies its residency; raises StartupError with an exit code."""
    if options.model == "standin":
        loaded = _load_standin(options)
    elif options.model == "voxcpm2":
        loaded = _load_voxcpm(options)
    else:
        raise ValueError(f"unknown model kind {options.model}")
    check_residency(loaded.residency, loaded.device)
    total = sum(r.total for r in loaded.residency)
    log.info("residency: %s of %s parameters on %s (%s)", f"{sum(r.on_device for r in loaded.residency):,}",
             f"{total:,}", loaded.device,
             ", ".join(f"{r.component} {r.on_device:,}/{r.total:,} {r.expected_dtype}" for r in loaded.residency))
    return loaded
