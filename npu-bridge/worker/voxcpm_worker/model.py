"""Loading VoxCPM2 (or the stand-in) onto a device and checking that it really lives there."""
from __future__ import annotations

import inspect
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, List, Optional

import numpy as np

from . import device as devices
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
    enable_denoiser: bool = False
    zipenhancer_path: Optional[str] = None
    compile: bool = True                 # only ever honoured on CUDA
    standin_chunk_delay: float = 0.0
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
    accepts_seed: bool = False
    _seed_warned: bool = False

    def build_prompt_cache(self, **kwargs) -> dict:
        return self.tts.build_prompt_cache(**kwargs)

    def stream(self, target_text: str, prompt_cache: Optional[dict], cfg_value: float,
               inference_timesteps: int, max_len: int, seed: int) -> Iterator[np.ndarray]:
        """Yields mono float32 chunks; closing this generator closes voxcpm's (frees its KV state)."""
        kwargs = dict(target_text=target_text, prompt_cache=prompt_cache, min_len=2, max_len=max_len,
                      inference_timesteps=inference_timesteps, cfg_value=cfg_value, retry_badcase=False)
        if seed:
            if self.accepts_seed:
                kwargs["seed"] = seed
            elif not self._seed_warned:
                self._seed_warned = True
                log.warning("this voxcpm version has no seed argument (added after 2.0.3): seeds are ignored")
        inner = self.tts.generate_with_prompt_cache_streaming(**kwargs)
        try:
            for item in inner:
                yield to_numpy(item[0] if isinstance(item, tuple) else item)
        finally:
            inner.close()


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
    from .standin import StandInVoxCPM, MODEL_VERSION

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
    tts = StandInVoxCPM(device=device, chunk_delay=options.standin_chunk_delay,
                        fail_after=options.standin_fail_after, perturbation=options.standin_perturbation,
                        misplaced_parameters=options.standin_misplaced_parameters)
    return LoadedModel(tts, device, tts.dtype, MODEL_VERSION, tts.sample_rate,
                       residency_report(tts, device, tts.dtype), accepts_seed=True)


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
    kwargs = dict(load_denoiser=options.enable_denoiser, local_files_only=True, optimize=optimize,
                  device=voxcpm_device)
    if options.zipenhancer_path:
        kwargs["zipenhancer_model_id"] = options.zipenhancer_path
    try:
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
    accepts_seed = "seed" in inspect.signature(tts._generate_with_prompt_cache).parameters
    return LoadedModel(tts, device, dtype, f"{arch} ({model_dir.name}, voxcpm {package})",
                       int(tts.sample_rate), residency_report(tts, device, dtype), accepts_seed=accepts_seed)


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
