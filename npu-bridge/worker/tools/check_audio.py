#!/usr/bin/env python3
"""Checks a synthesized WAV: sample rate, duration, RMS, peak, dynamic range, clipping -> PASS/FAIL.

Prints a JSON report; exit 0 on PASS, 1 on FAIL, 2 when the file cannot be read.
Dynamic range is the spread of 20 ms frame levels (95th minus 10th percentile, in dB): speech with
pauses spans tens of dB, a stuck tone or a noise burst only a few.
"""
import argparse
import json
import math
import sys

import numpy as np

from voxcpm_worker.offline import read_wav

FLOOR_DB = -120.0


def db(value: float) -> float:
    return 20 * math.log10(value) if value > 0 else FLOOR_DB


def measure(samples: np.ndarray, rate: int) -> dict:
    frame = max(1, rate // 50)
    usable = len(samples) // frame * frame
    frames = samples[:usable].reshape(-1, frame) if usable else np.zeros((1, 1), dtype=np.float32)
    levels = np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1))
    return {
        "sample_rate": rate,
        "duration_seconds": round(len(samples) / rate, 4) if rate else 0.0,
        "rms_dbfs": round(db(float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)))) if len(samples) else FLOOR_DB, 2),
        "peak_dbfs": round(db(float(np.max(np.abs(samples)))) if len(samples) else FLOOR_DB, 2),
        "dynamic_range_db": round(db(float(np.percentile(levels, 95))) - db(float(np.percentile(levels, 10))), 2),
        "clipped_fraction": float(np.mean(np.abs(samples) >= 32735 / 32768)) if len(samples) else 0.0,
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("wav")
    p.add_argument("--expect-rate", type=int, default=48000)
    p.add_argument("--min-duration", type=float, default=0.3)
    p.add_argument("--max-duration", type=float, default=600.0)
    p.add_argument("--min-rms-db", type=float, default=-40.0)
    p.add_argument("--min-dynamic-range-db", type=float, default=10.0)
    p.add_argument("--max-clipped-fraction", type=float, default=0.001)
    args = p.parse_args()
    try:
        samples, rate = read_wav(args.wav)
    except Exception as exc:
        print(json.dumps({"wav": args.wav, "result": "ERROR", "error": str(exc)}))
        return 2
    m = measure(samples, rate)
    checks = {
        "sample_rate": m["sample_rate"] == args.expect_rate,
        "duration": args.min_duration <= m["duration_seconds"] <= args.max_duration,
        "rms": m["rms_dbfs"] >= args.min_rms_db,
        "dynamic_range": m["dynamic_range_db"] >= args.min_dynamic_range_db,
        "clipping": m["clipped_fraction"] <= args.max_clipped_fraction,
    }
    result = "PASS" if all(checks.values()) else "FAIL"
    print(json.dumps({"wav": args.wav, **m, "checks": {k: "pass" if v else "fail" for k, v in checks.items()},
                      "result": result}))
    return 0 if result == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
