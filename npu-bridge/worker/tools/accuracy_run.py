#!/usr/bin/env python3
"""Checks a device (an Ascend NPU, say) against a reference device (the CPU) the way that can pass on
healthy hardware, and writes a JSON report:

  1. modules on identical inputs (voxcpm_worker.accuracy): the LM prefill, one LocDiT decoder step
     from fixed noise, one VAE decode; each passes below its relative-L2 tolerance
  2. residency: every parameter on the device with the expected dtype (bf16, VAE fp32)
  3. speed: RTF and time to first chunk per text on the device (seeded, figures only)
  4. listening samples: with --samples-dir the end-to-end audio of each text as WAV, for a person to
     hear; never compared numerically (an autoregressive sampler drifts into another, equally good take)

  python3 -m tools.accuracy_run --model-dir /models/VoxCPM2 --device npu:0 --samples-dir out/ --report accuracy.json

Exit 0 when every module check passes and residency is complete, 1 otherwise.
"""
import argparse
import json
from pathlib import Path

from voxcpm_worker import accuracy, modes, offline
from voxcpm_worker.model import load

DEFAULT_TEXTS = (
    "Hello, this is a test of the speech synthesis server.",
    "Your call is important to us. Please stay on the line.",
    "欢迎致电，请在提示音后说出您的问题。",
)


def tolerance(value: str):
    name, _, number = value.partition("=")
    if name not in accuracy.TOLERANCES or not number:
        raise argparse.ArgumentTypeError(f"use NAME=VALUE with NAME one of {', '.join(accuracy.TOLERANCES)}")
    return name, float(number)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    offline.add_model_arguments(p)
    p.set_defaults(device="npu")
    p.add_argument("--reference-device", default="cpu")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--tolerance", type=tolerance, action="append", default=[],
                   help="override a module's relative-L2 tolerance, e.g. locdit_step=0.03 (defaults: "
                        + ", ".join(f"{k}={v}" for k, v in accuracy.TOLERANCES.items()) + ")")
    p.add_argument("--text", action="append", help="a text for RTF and listening (repeatable; default: three texts)")
    p.add_argument("--inference-timesteps", type=int, default=10)
    p.add_argument("--samples-dir", help="write each text's device audio here as WAV (listening samples)")
    p.add_argument("--reference-samples", action="store_true",
                   help="with --samples-dir, also synthesise each text on the reference device (slow on a CPU)")
    p.add_argument("--report", help="write the JSON report here as well as to stdout")
    args = p.parse_args()
    texts = args.text or list(DEFAULT_TEXTS)
    tolerances = dict(accuracy.TOLERANCES, **dict(args.tolerance))

    device_model = load(offline.load_options(args, perturbation=args.standin_perturbation))
    reference_model = load(offline.load_options(args, device=args.reference_device))
    checks = accuracy.compare(device_model, reference_model, args.seed, tolerances)

    rows = []
    for i, text in enumerate(texts):
        got = offline.synthesize(device_model, modes.ZERO_SHOT, text, seed=args.seed,
                                 inference_timesteps=args.inference_timesteps)
        row = {"text": text, "audio_seconds": round(got.audio_seconds, 3), "rtf": round(got.rtf, 4),
               "first_chunk_seconds": round(got.first_chunk_seconds, 3)}
        if args.samples_dir:
            out = Path(args.samples_dir) / f"{i + 1}-{device_model.device.replace(':', '')}.wav"
            offline.write_wav(out, got.audio, got.sample_rate)
            row["sample"] = str(out)
            if args.reference_samples:
                want = offline.synthesize(reference_model, modes.ZERO_SHOT, text, seed=args.seed,
                                          inference_timesteps=args.inference_timesteps)
                ref = Path(args.samples_dir) / f"{i + 1}-{reference_model.device.replace(':', '')}.wav"
                offline.write_wav(ref, want.audio, want.sample_rate)
                row["reference_sample"] = str(ref)
        rows.append(row)

    residency = [{"component": r.component, "parameters_total": r.total, "parameters_on_device": r.on_device,
                  "expected_dtype": r.expected_dtype, "parameters_expected_dtype": r.with_expected_dtype}
                 for r in device_model.residency]
    resident = all(r.complete for r in device_model.residency)
    report = {"model_version": device_model.model_version, "device": device_model.device,
              "reference_device": reference_model.device, "dtype": device_model.dtype, "seed": args.seed,
              "modules": [{"name": c.name, "relative_l2": c.relative_l2, "tolerance": c.tolerance,
                           "shape": list(c.shape), "pass": c.passed} for c in checks],
              "residency": residency, "residency_complete": resident,
              "parameters_on_device": sum(r.on_device for r in device_model.residency),
              "parameters_total": sum(r.total for r in device_model.residency),
              "texts": rows, "pass": resident and all(c.passed for c in checks)}
    text = json.dumps(report, ensure_ascii=False, indent=2)
    if args.report:
        Path(args.report).write_text(text, encoding="utf-8")
    print(text)
    return 0 if report["pass"] else 1


if __name__ == "__main__":
    offline.run_tool(main)
