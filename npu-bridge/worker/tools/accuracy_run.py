#!/usr/bin/env python3
"""Compares the accelerator against the CPU: relative L2 error per text (< 1 % passes), the residency
report of the accelerator model, and the real-time factor per text; writes a JSON report.

  accuracy_run.py --model-dir /models/VoxCPM2 --device npu --report accuracy.json

Both runs use the same seed, and (real model only) their diffusion noise is drawn on the CPU and
moved to the device, so the two runs start from identical noise and differ only by device arithmetic.
Exit 0 when every text passes and residency is complete, 1 otherwise.
"""
import argparse
import contextlib
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from voxcpm_worker import modes, offline  # noqa: E402
from voxcpm_worker.model import load  # noqa: E402

DEFAULT_TEXTS = (
    "Hello, this is a test of the speech synthesis server.",
    "Your call is important to us. Please stay on the line.",
    "欢迎致电，请在提示音后说出您的问题。",
)


@contextlib.contextmanager
def cpu_noise(torch):
    """Draws torch.randn / randn_like on the CPU generator, then moves the result to the device."""
    randn, randn_like = torch.randn, torch.randn_like

    def cpu_randn(*size, generator=None, device=None, dtype=None, **_):
        return randn(*size, generator=generator, dtype=torch.float32).to(device=device or "cpu",
                                                                          dtype=dtype or torch.get_default_dtype())

    def cpu_randn_like(x, dtype=None, device=None, **_):
        return randn(x.shape, dtype=torch.float32).to(device=device or x.device, dtype=dtype or x.dtype)

    torch.randn, torch.randn_like = cpu_randn, cpu_randn_like
    try:
        yield
    finally:
        torch.randn, torch.randn_like = randn, randn_like


def run(model, text, args):
    torch = sys.modules.get("torch")
    same_noise = cpu_noise(torch) if torch is not None and not args.no_cpu_noise else contextlib.nullcontext()
    if torch is not None:
        torch.manual_seed(args.seed)
    with same_noise:
        return offline.synthesize(model, modes.ZERO_SHOT, text, seed=args.seed,
                                  inference_timesteps=args.inference_timesteps)


def relative_l2(a: np.ndarray, b: np.ndarray) -> float:
    n = min(len(a), len(b))
    reference = float(np.linalg.norm(b[:n]))
    return float(np.linalg.norm(a[:n] - b[:n])) / reference if reference else float("inf")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    offline.add_model_arguments(p)
    p.set_defaults(device="npu")
    p.add_argument("--reference-device", default="cpu")
    p.add_argument("--text", action="append", help="a text to compare (repeatable; default: three built-in texts)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--inference-timesteps", type=int, default=10)
    p.add_argument("--threshold", type=float, default=0.01, help="largest relative L2 error that passes (0.01 = 1 %%)")
    p.add_argument("--no-cpu-noise", action="store_true", help="let each device draw its own diffusion noise")
    p.add_argument("--report", help="write the JSON report here as well as to stdout")
    args = p.parse_args()
    texts = args.text or list(DEFAULT_TEXTS)

    device_model = load(offline.load_options(args, perturbation=args.standin_perturbation))
    reference_model = load(offline.load_options(args, device=args.reference_device))
    rows = []
    for text in texts:
        got, want = run(device_model, text, args), run(reference_model, text, args)
        error = relative_l2(got.audio, want.audio)
        same_length = len(got.audio) == len(want.audio)
        rows.append({"text": text, "relative_l2": error, "same_length": same_length,
                     "audio_seconds": round(got.audio_seconds, 3),
                     "reference_audio_seconds": round(want.audio_seconds, 3),
                     "rtf": round(got.rtf, 4), "reference_rtf": round(want.rtf, 4),
                     "first_chunk_seconds": round(got.first_chunk_seconds, 3),
                     "pass": error < args.threshold and same_length})
    residency = [{"component": r.component, "parameters_total": r.total, "parameters_on_device": r.on_device,
                  "expected_dtype": r.expected_dtype, "parameters_expected_dtype": r.with_expected_dtype}
                 for r in device_model.residency]
    resident = all(r.complete for r in device_model.residency)
    report = {"model_version": device_model.model_version, "device": device_model.device,
              "reference_device": reference_model.device, "dtype": device_model.dtype, "seed": args.seed,
              "threshold": args.threshold, "residency": residency, "residency_complete": resident,
              "parameters_on_device": sum(r.on_device for r in device_model.residency),
              "parameters_total": sum(r.total for r in device_model.residency),
              "texts": rows, "max_relative_l2": max(r["relative_l2"] for r in rows),
              "pass": resident and all(r["pass"] for r in rows)}
    text = json.dumps(report, ensure_ascii=False, indent=2)
    if args.report:
        Path(args.report).write_text(text, encoding="utf-8")
    print(text)
    return 0 if report["pass"] else 1


if __name__ == "__main__":
    offline.run_tool(main)
