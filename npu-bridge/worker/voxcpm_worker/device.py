"""Accelerator resolution with Ascend "npu" as a first-class device.

voxcpm's own ``resolve_runtime_device`` knows only auto/cpu/mps/cuda[:N] and raises on "npu"; on an
Ascend box "auto" silently falls back to CPU. The model modules import that function by name, so it
has to be replaced in every module that holds a reference, not only in ``voxcpm.model.utils``.

Everything here takes the torch module as an argument so it can be exercised without torch.
"""
from __future__ import annotations

import importlib
import os
import re
import sys
from dataclasses import dataclass
from typing import Callable, Mapping, MutableMapping, Optional

from .errors import StartupError, EXIT_DEVICE_UNAVAILABLE

#: Modules of the voxcpm package that import resolve_runtime_device by name.
VOXCPM_DEVICE_MODULES = ("voxcpm.model.utils", "voxcpm.model.voxcpm2", "voxcpm.model.voxcpm")

NPU_ALLOC_CONF = "expandable_segments:True"

_SPEC = re.compile(r"^(auto|cpu|cuda|npu)(?::(\d+))?$")


@dataclass(frozen=True)
class DeviceSpec:
    """A parsed --device value (before checking that the hardware exists)."""
    kind: str
    index: Optional[int] = None

    @staticmethod
    def parse(text: str) -> "DeviceSpec":
        match = _SPEC.match((text or "auto").strip().lower())
        if not match or (match.group(2) is not None and match.group(1) in ("auto", "cpu")):
            raise StartupError(EXIT_DEVICE_UNAVAILABLE,
                               f"unsupported device '{text}': use npu, npu:N, cuda, cuda:N, cpu or auto")
        index = int(match.group(2)) if match.group(2) is not None else None
        return DeviceSpec(match.group(1), index)

    def __str__(self) -> str:
        return self.kind if self.index is None else f"{self.kind}:{self.index}"


def prepare_environment(spec: DeviceSpec, environ: MutableMapping[str, str] = os.environ) -> None:
    """Must run before torch_npu is imported: the allocator reads the variable once, at load.

    Expandable segments keep the NPU caching allocator from fragmenting HBM across the variable-length
    prefill and per-patch decode. An operator's own value is kept.
    """
    if spec.kind in ("npu", "auto"):
        environ.setdefault("PYTORCH_NPU_ALLOC_CONF", NPU_ALLOC_CONF)


def import_torch(spec: DeviceSpec, import_module: Callable[[str], object] = importlib.import_module):
    """Imports torch (and torch_npu when the device may be an NPU). Returns the torch module."""
    try:
        torch = import_module("torch")
    except ImportError as exc:
        raise StartupError(EXIT_DEVICE_UNAVAILABLE, f"device {spec} needs PyTorch, which is not installed: {exc}")
    if spec.kind in ("npu", "auto"):
        try:
            import_module("torch_npu")  # registers torch.npu as the PrivateUse1 backend
        except ImportError as exc:
            if spec.kind == "npu":
                raise StartupError(EXIT_DEVICE_UNAVAILABLE,
                                   f"device {spec} needs torch_npu (the Ascend PyTorch adapter, matching CANN "
                                   f"and torch versions), which cannot be imported: {exc}")
    return torch


def _npu_available(torch) -> bool:
    npu = getattr(torch, "npu", None)
    return bool(npu is not None and npu.is_available())


def _check_index(kind: str, index: Optional[int], count: int) -> None:
    if index is not None and index >= count:
        raise StartupError(EXIT_DEVICE_UNAVAILABLE, f"device {kind}:{index} does not exist ({count} {kind} device(s) visible)")


def resolve(spec: DeviceSpec, torch) -> str:
    """Turns a spec into the device string the model is placed on; raises StartupError if absent."""
    if spec.kind == "cpu":
        return "cpu"
    if spec.kind == "npu":
        if not _npu_available(torch):
            raise StartupError(EXIT_DEVICE_UNAVAILABLE,
                               "device npu requested but torch.npu.is_available() is false: check the Ascend driver, "
                               "the /dev/davinci* device mounts and ASCEND_RT_VISIBLE_DEVICES")
        _check_index("npu", spec.index, torch.npu.device_count())
        return str(spec)
    if spec.kind == "cuda":
        if not torch.cuda.is_available():
            raise StartupError(EXIT_DEVICE_UNAVAILABLE, "device cuda requested but torch.cuda.is_available() is false")
        _check_index("cuda", spec.index, torch.cuda.device_count())
        return str(spec)
    if _npu_available(torch):
        return "npu:0"
    if torch.cuda.is_available():
        return "cuda"
    return "cpu"


def make_resolver(original: Callable, torch) -> Callable:
    """Wraps voxcpm's resolve_runtime_device so that npu / npu:N pass and auto prefers an NPU."""
    if getattr(original, "__voxcpm_worker_npu__", False):
        return original

    def resolve_runtime_device(device: Optional[str], configured_device: str = "cuda") -> str:
        wanted = (device or "auto").strip().lower()
        if wanted.startswith("npu"):
            return resolve(DeviceSpec.parse(wanted), torch)
        if wanted == "auto" and _npu_available(torch):
            return "npu:0"
        return original(device, configured_device)

    resolve_runtime_device.__voxcpm_worker_npu__ = True
    resolve_runtime_device.__wrapped__ = original
    return resolve_runtime_device


def patch_voxcpm(torch, modules: Optional[Mapping[str, object]] = None,
                 import_module: Callable[[str], object] = importlib.import_module) -> list:
    """Replaces resolve_runtime_device in each voxcpm module that imported it. Returns patched names."""
    patched = []
    for name in VOXCPM_DEVICE_MODULES:
        module = (modules or {}).get(name) if modules is not None else sys.modules.get(name)
        if module is None and modules is None:
            try:
                module = import_module(name)
            except ImportError:
                continue  # voxcpm 1.x-only or 2.x-only layouts lack one of the modules
        if module is None or not hasattr(module, "resolve_runtime_device"):
            continue
        module.resolve_runtime_device = make_resolver(module.resolve_runtime_device, torch)
        patched.append(name)
    return patched
