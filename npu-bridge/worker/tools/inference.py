#!/usr/bin/env python3
"""Synthesizes one text in one of the four modes (or all four) to 48 kHz 16-bit WAV files.

  python3 -m tools.inference --model-dir /models/VoxCPM2 --device npu --mode clone --reference ref.wav --text "Hello" --out a.wav
  python3 -m tools.inference ... --mode all --reference ref.wav --transcript "exact words" --description "warm, slow" --out-dir out/
"""
import argparse
import json
from pathlib import Path

from voxcpm_worker import modes, offline
from voxcpm_worker.model import load

ALL = (modes.ZERO_SHOT, modes.DESIGN, modes.CLONE, modes.ULTIMATE_CLONE)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    offline.add_model_arguments(p)
    p.add_argument("--mode", choices=ALL + ("all",), default=modes.ZERO_SHOT)
    p.add_argument("--text", required=True)
    p.add_argument("--description", default="", help="voice description (design) or style (clone)")
    p.add_argument("--reference", help="reference recording, 16-bit PCM WAV (clone, ultimate-clone)")
    p.add_argument("--transcript", default="", help="exact transcript of --reference (ultimate-clone)")
    p.add_argument("--cfg-value", type=float, default=0)
    p.add_argument("--inference-timesteps", type=int, default=0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--max-length", type=int, default=0)
    p.add_argument("--out", help="output WAV (single mode)")
    p.add_argument("--out-dir", help="output directory (--mode all: <mode>.wav per mode)")
    args = p.parse_args()
    if args.mode == "all" and not args.out_dir or args.mode != "all" and not args.out:
        p.error("--mode all needs --out-dir; a single mode needs --out")
    reference = Path(args.reference).read_bytes() if args.reference else None
    model = load(offline.load_options(args, perturbation=args.standin_perturbation))
    failures = 0
    for mode in (ALL if args.mode == "all" else (args.mode,)):
        uses_reference = mode in (modes.CLONE, modes.ULTIMATE_CLONE)
        description = "" if mode in (modes.ZERO_SHOT, modes.ULTIMATE_CLONE) and args.mode == "all" else args.description
        try:
            result = offline.synthesize(model, mode, args.text, description=description,
                                        reference=reference if uses_reference else None,
                                        transcript=args.transcript, cfg_value=args.cfg_value,
                                        inference_timesteps=args.inference_timesteps, seed=args.seed,
                                        max_length=args.max_length)
        except modes.InvalidRequest as exc:
            print(json.dumps({"mode": mode, "error": str(exc)}))
            failures += 1
            continue
        out = Path(args.out_dir) / f"{mode}.wav" if args.mode == "all" else Path(args.out)
        offline.write_wav(out, result.audio, result.sample_rate)
        print(json.dumps({"mode": mode, "wav": str(out), "sample_rate": result.sample_rate,
                          "audio_seconds": round(result.audio_seconds, 3), "chunks": result.chunks,
                          "generation_seconds": round(result.generation_seconds, 3),
                          "first_chunk_seconds": round(result.first_chunk_seconds, 3), "rtf": round(result.rtf, 4)}))
    return 1 if failures else 0


if __name__ == "__main__":
    offline.run_tool(main)
