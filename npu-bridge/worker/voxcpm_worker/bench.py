"""Worker benchmark: time to first chunk, RTF per stream and aggregate RTF at 1, 2, 4, 8 concurrent streams.

    python3 -m voxcpm_worker.bench --model-dir /models/VoxCPM2 --device npu:0 [--instances 1]
    python3 -m voxcpm_worker.bench --target 10.0.0.5:50051          # a worker that is already running
    python3 -m voxcpm_worker.bench --model standin --standin-chunk-delay 0.05   # the TEST DOUBLE, here

It drives the worker the way the server does: real gRPC Synthesize streams on their own connections,
all streams of a round started together, each round repeated ``--rounds`` times. Per stream: time to
first chunk (from sending the call, queueing included) and RTF = (last chunk - first chunk) / audio
seconds, i.e. whether playback, once started, keeps ahead. Per round: aggregate RTF = round wall
time / audio seconds of all its streams (below 1/c means the card produces more than c streams in
real time). Prints a table (and ``--json`` a report); asserts nothing.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from dataclasses import asdict, dataclass
from typing import List

import grpc

from .protos import pb, pb_grpc

DEFAULT_TEXTS = (
    "Thank you for calling. Your call is important to us, please stay on the line.",
    "Press one for sales, two for support, or stay on the line to speak to an agent.",
    "Your account balance is one hundred and twenty dollars, due on the fifth of March.",
)


@dataclass
class Stream:
    first_chunk: float
    audio_seconds: float
    wall: float
    queue_seconds: float
    error: str = ""

    @property
    def rtf(self) -> float:
        return (self.wall - self.first_chunk) / self.audio_seconds if self.audio_seconds else float("inf")


@dataclass
class Row:
    concurrency: int
    streams: int
    errors: int
    ttfc_p50: float
    ttfc_max: float
    rtf_p50: float
    rtf_max: float
    aggregate_rtf: float
    audio_seconds: float
    queue_p50: float


def _one(target: str, text: str, request_fields: dict, out: List[Stream], start: threading.Event) -> None:
    # Each stream on its own connection, as the server's pool spreads calls over channels.
    with grpc.insecure_channel(target, options=[("grpc.use_local_subchannel_pool", 1)]) as channel:
        stub = pb_grpc.VoxcpmWorkerStub(channel)
        grpc.channel_ready_future(channel).result(timeout=30)
        start.wait()
        began = time.monotonic()
        first = None
        samples = 0
        rate = 48000
        summary = None
        try:
            for response in stub.Synthesize(pb.SynthesizeRequest(text=text, **request_fields), timeout=600):
                if response.HasField("chunk"):
                    if first is None:
                        first = time.monotonic() - began
                    samples += len(response.chunk.pcm) // 2
                    rate = response.chunk.sample_rate or rate
                else:
                    summary = response.summary
            out.append(Stream(first or 0.0, samples / rate, time.monotonic() - began,
                              summary.queue_seconds if summary else 0.0))
        except grpc.RpcError as exc:
            out.append(Stream(0.0, 0.0, time.monotonic() - began, 0.0, f"{exc.code().name}: {exc.details()}"))


def run_round(target: str, concurrency: int, texts, request_fields: dict) -> tuple:
    streams: List[Stream] = []
    start = threading.Event()
    threads = [threading.Thread(target=_one, args=(target, texts[i % len(texts)], request_fields, streams, start))
               for i in range(concurrency)]
    for t in threads:
        t.start()
    time.sleep(0.2)  # connections up before the clock starts
    began = time.monotonic()
    start.set()
    for t in threads:
        t.join()
    return streams, time.monotonic() - began


def measure(target: str, levels=(1, 2, 4, 8), rounds: int = 2, texts=DEFAULT_TEXTS, request_fields=None) -> List[Row]:
    request_fields = request_fields or {"mode": pb.MODE_ZERO_SHOT}
    rows = []
    for c in levels:
        streams: List[Stream] = []
        aggregate = []
        for _ in range(rounds):
            got, wall = run_round(target, c, texts, request_fields)
            streams.extend(got)
            audio = sum(s.audio_seconds for s in got)
            aggregate.append(wall / audio if audio else float("inf"))
        ok = [s for s in streams if not s.error]
        ttfc = [s.first_chunk for s in ok] or [float("nan")]
        rtf = [s.rtf for s in ok] or [float("nan")]
        rows.append(Row(c, len(streams), len(streams) - len(ok), statistics.median(ttfc), max(ttfc),
                        statistics.median(rtf), max(rtf), statistics.median(aggregate),
                        sum(s.audio_seconds for s in ok), statistics.median([s.queue_seconds for s in ok] or [0.0])))
    return rows


def table(rows: List[Row]) -> str:
    head = (f"{'streams':>7} {'calls':>5} {'err':>3} {'TTFC p50':>9} {'TTFC max':>9} {'RTF p50':>8} "
            f"{'RTF max':>8} {'agg RTF':>8} {'queue p50':>9} {'audio s':>8}")
    lines = [head]
    for r in rows:
        lines.append(f"{r.concurrency:>7} {r.streams:>5} {r.errors:>3} {r.ttfc_p50:>8.3f}s {r.ttfc_max:>8.3f}s "
                     f"{r.rtf_p50:>8.3f} {r.rtf_max:>8.3f} {r.aggregate_rtf:>8.3f} {r.queue_p50:>8.3f}s "
                     f"{r.audio_seconds:>8.1f}")
    return "\n".join(lines)


def main(argv=None) -> int:
    from . import offline
    p = argparse.ArgumentParser(prog="python3 -m voxcpm_worker.bench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    offline.add_model_arguments(p)
    p.add_argument("--target", help="benchmark a running worker at host:port instead of loading one here")
    p.add_argument("--instances", type=int, default=1, help="model instances on the card (default 1)")
    p.add_argument("--queue-capacity", type=int, default=16)
    p.add_argument("--concurrency", type=int, nargs="+", default=[1, 2, 4, 8])
    p.add_argument("--rounds", type=int, default=2, help="rounds per concurrency level (default 2)")
    p.add_argument("--text", action="append", help="a text to speak (repeatable; default: three IVR sentences)")
    p.add_argument("--inference-timesteps", type=int, default=0, help="0: the worker's default")
    p.add_argument("--standin-chunk-delay", type=float, default=0.02,
                   help="stand-in only: seconds per 160 ms chunk (default 0.02, RTF 0.125 alone)")
    p.add_argument("--json", help="also write the rows as JSON here")
    args = p.parse_args(argv)
    import logging
    logging.getLogger().setLevel(logging.WARNING)  # the table is the output; per-call logs would bury it
    fields = {"mode": pb.MODE_ZERO_SHOT, "inference_timesteps": args.inference_timesteps}
    worker = None
    target = args.target
    if target is None:
        from dataclasses import replace

        from . import server
        from .model import load, warm_up
        options = replace(offline.load_options(args), standin_chunk_delay=args.standin_chunk_delay)
        worker = server.start(lambda: load(options), "127.0.0.1:0", instances=args.instances,
                              queue_capacity=args.queue_capacity, warm_up=warm_up)
        target = f"127.0.0.1:{worker.port}"
        info = worker.scheduler.instances[0].model
        print(f"model {info.model_version} on {info.device} ({info.dtype}), {args.instances} instance(s)")
    try:
        rows = measure(target, tuple(args.concurrency), args.rounds, tuple(args.text or DEFAULT_TEXTS), fields)
    finally:
        if worker is not None:
            worker.stop(0)
    print(table(rows))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump([asdict(r) for r in rows], out, indent=2)
    return 1 if any(r.errors for r in rows) else 0


if __name__ == "__main__":
    from .offline import run_tool
    run_tool(main)
