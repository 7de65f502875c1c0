"""Command line: python -m voxcpm_worker --model-dir /models/VoxCPM2 --device npu:0 [--listen 127.0.0.1:50051]"""
from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path

from .errors import EXIT_CODES_HELP, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, StartupError

DESCRIPTION = """Serves VoxCPM2 speech synthesis over gRPC (voxcpm.worker.v1.VoxcpmWorker + grpc.health.v1).
Loads the model from a local directory onto one accelerator (Ascend npu, cuda or cpu), in bf16 with the
audio VAE in float32, checks that every parameter is resident, and streams 160 ms chunks of 48 kHz PCM."""


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m voxcpm_worker", description=DESCRIPTION, epilog=EXIT_CODES_HELP,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model-dir", help="local VoxCPM2 model directory (config.json + weights); nothing is downloaded")
    p.add_argument("--device", default="auto",
                   help="npu, npu:N, cuda, cuda:N, cpu or auto (auto prefers npu, then cuda, then cpu; default auto)")
    p.add_argument("--listen", default="127.0.0.1:50051",
                   help="host:port to serve on; port 0 picks a free one (default 127.0.0.1:50051: loopback only; "
                        "any other address needs --allow-remote)")
    p.add_argument("--port-file", help="write the bound port to this file once serving (for supervisors and tests)")
    p.add_argument("--instances", type=int, default=1,
                   help="model instances on the device, each serving one request at a time (default 1)")
    p.add_argument("--queue-capacity", type=int, default=8,
                   help="requests that may wait for an instance; more are refused with RESOURCE_EXHAUSTED (default 8)")
    p.add_argument("--voice-dir", help="directory keeping registered voices across restarts (default: a temp dir)")
    p.add_argument("--enable-denoiser", "--zipenhancer-path", dest="removed_denoiser", nargs="?", const=True,
                   help=argparse.SUPPRESS)
    p.add_argument("--no-compile", action="store_true", help="skip torch.compile on CUDA (never used on npu/cpu)")
    p.add_argument("--cfg-value", type=float, default=2.0, help="default CFG scale (default 2.0)")
    p.add_argument("--inference-timesteps", type=int, default=10, help="default diffusion steps per patch (default 10)")
    p.add_argument("--max-length", type=int, default=4096, help="default max generated 160 ms patches (default 4096)")
    p.add_argument("--kv-cache-length", type=int,
                   help="positions of each instance's static KV caches (prompt + reference + text + generated "
                        "patches); smaller costs less per step and less memory (default: the model's, 8192)")
    p.add_argument("--normalize-text", action="store_true",
                   help="apply voxcpm's text normaliser (numbers, symbols) to the spoken text, never to a "
                        "\"(description)\" prefix (off by default: SSML say-as expansion happens first, in the server)")
    p.add_argument("--no-trim-silence", action="store_true",
                   help="keep leading/trailing silence of references when building prompt caches (trimmed by default)")
    p.add_argument("--no-warm-up", action="store_true",
                   help="report SERVING without the warm-up generation (first calls then pay kernel loading)")
    p.add_argument("--drain-seconds", type=float, default=20.0,
                   help="on SIGTERM/SIGINT: health turns NOT_SERVING, new calls are refused, and calls in progress "
                        "get this long to finish (default 20)")
    p.add_argument("--permit-keepalive-time", type=float, default=5.0,
                   help="shortest interval in seconds between client keepalive PINGs the worker accepts; keep it "
                        "below the server's bridge.keepalive-time (10 s) (default 5)")
    p.add_argument("--log-level", default="INFO")
    a = p.add_argument_group("access (see README: Security)")
    a.add_argument("--allow-remote", action="store_true",
                   help="listen on a non-loopback address; needs a shared token and/or mutual TLS")
    a.add_argument("--auth-token-file",
                   help="file holding the shared token every caller must send (authorization: Bearer ...); "
                        "default: the file named by $VOXCPM_WORKER_TOKEN_FILE, else $VOXCPM_WORKER_TOKEN")
    a.add_argument("--tls-cert", help="PEM certificate chain: serve TLS (with --tls-key)")
    a.add_argument("--tls-key", help="PEM private key of --tls-cert")
    a.add_argument("--tls-client-ca", help="PEM CA certificates: require a client certificate they signed (mutual TLS)")
    a.add_argument("--allow-inline-reference", action="store_true",
                   help="accept reference recordings inside Synthesize (clones that bypass the server's voice "
                        "registry and its consent records; off by default)")
    a.add_argument("--max-voices", type=int, default=1000, help="registered voices kept at most (default 1000)")
    a.add_argument("--max-watch-streams", type=int, default=4,
                   help="concurrent health Watch streams (each holds a thread; default 4)")
    a.add_argument("--max-text-chars", type=int, default=20000,
                   help="longest text one Synthesize may carry (default 20000)")
    t = p.add_argument_group("test double (never the default)")
    t.add_argument("--model", choices=("voxcpm2", "standin"), default="voxcpm2",
                   help="standin = StandInVoxCPM, a TEST DOUBLE producing deterministic tones (no weights needed)")
    t.add_argument("--standin-chunk-delay", type=float, default=0.0, help="seconds the stand-in spends per chunk")
    t.add_argument("--standin-first-chunk-delay", type=float,
                   help="seconds the stand-in spends on a call's first chunk (the model's prefill plus one step; "
                        "default: --standin-chunk-delay)")
    t.add_argument("--standin-fail-after", type=int, help="the stand-in raises after this many chunks of a call")
    t.add_argument("--standin-api", choices=("2.0.3", "newer"), default="2.0.3",
                   help="the voxcpm API the stand-in imitates: 2.0.3 has no seed argument (default 2.0.3)")
    args = p.parse_args(argv)
    if args.removed_denoiser is not None:
        p.error("--enable-denoiser/--zipenhancer-path were removed: the worker applies no denoiser (nothing "
                "applied it, and it could download a model); clean a reference recording before registering it")
    if args.kv_cache_length is not None and args.kv_cache_length < 256:
        p.error("--kv-cache-length must be at least 256")
    if args.max_length < 1 or args.inference_timesteps < 1:
        p.error("--max-length and --inference-timesteps must be at least 1")
    if args.instances < 1:
        p.error("--instances must be at least 1")
    if args.permit_keepalive_time <= 0 or args.drain_seconds < 0:
        p.error("--permit-keepalive-time must be positive and --drain-seconds not negative")
    if args.queue_capacity < 0:
        p.error("--queue-capacity must not be negative")
    if args.max_voices < 1 or args.max_watch_streams < 1 or args.max_text_chars < 1:
        p.error("--max-voices, --max-watch-streams and --max-text-chars must be at least 1")
    if bool(args.tls_cert) != bool(args.tls_key) or (args.tls_client_ca and not args.tls_cert):
        p.error("--tls-cert and --tls-key go together, and --tls-client-ca needs them")
    return args


def security_from(args, environ=None):
    """The access settings; raises security.SecurityError when they cannot work or would expose the worker."""
    import os

    from .security import Limits, Security, Tls, check_listen, read_token
    token = read_token(args.auth_token_file, os.environ if environ is None else environ)
    tls = Tls.from_files(args.tls_cert, args.tls_key, args.tls_client_ca) if args.tls_cert else None
    security = Security(token=token, tls=tls)
    check_listen(args.listen, args.allow_remote, security)
    limits = Limits(allow_inline=args.allow_inline_reference, max_voices=args.max_voices,
                    max_watch_streams=args.max_watch_streams)
    return security, limits


def main(argv=None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s %(threadName)s: %(message)s")
    log = logging.getLogger("voxcpm_worker")
    from . import server
    from .model import LoadOptions, load, warm_up
    from .modes import Defaults
    from .security import SecurityError

    try:
        security, limits = security_from(args)
    except SecurityError as exc:
        log.error("cannot start: %s", exc)
        return EXIT_USAGE

    options = LoadOptions(model=args.model, model_dir=args.model_dir, device=args.device,
                          compile=not args.no_compile, kv_cache_length=args.kv_cache_length,
                          standin_api=args.standin_api, standin_chunk_delay=args.standin_chunk_delay,
                          standin_first_chunk_delay=args.standin_first_chunk_delay,
                          standin_fail_after=args.standin_fail_after)
    kv = args.kv_cache_length or 8192
    defaults = Defaults(args.cfg_value, args.inference_timesteps, min(args.max_length, kv), kv, args.normalize_text,
                        args.max_text_chars)
    if args.model == "standin":
        log.warning("model 'standin': TEST DOUBLE, no VoxCPM2 is loaded; audio is synthetic tones")
    try:
        worker = server.begin(lambda: load(options), address=args.listen, instances=args.instances,
                              queue_capacity=args.queue_capacity, voice_dir=args.voice_dir, defaults=defaults,
                              keepalive=server.Keepalive(permit_time=args.permit_keepalive_time),
                              warm_up=None if args.no_warm_up else warm_up, trim_silence=not args.no_trim_silence,
                              security=security, limits=limits)
        log.info("listening on port %d; loading %d model instance(s) one after another, each warmed up "
                 "(health NOT_SERVING until then)", worker.port, args.instances)
        worker.wait_ready()
    except StartupError as exc:
        log.error("cannot start: %s", exc)
        return exc.exit_code
    except OSError as exc:
        log.error("cannot start: %s", exc)
        return EXIT_FAILURE
    host = args.listen.rsplit(":", 1)[0]
    log.info("serving on %s:%d (%d instance(s), queue capacity %d; %s, %s, inline references %s)", host,
             worker.port, args.instances, args.queue_capacity,
             "mutual TLS" if security.mutual_tls else "TLS" if security.tls else "no TLS",
             "token required" if security.token else "no token", "allowed" if limits.allow_inline else "refused")
    if args.port_file:
        tmp = Path(args.port_file + ".part")
        tmp.write_text(str(worker.port))
        tmp.replace(args.port_file)

    stopping = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopping.set())
    stopping.wait()
    log.info("draining: NOT_SERVING, refusing new calls, up to %.0fs for calls in progress", args.drain_seconds)
    worker.stop(args.drain_seconds)
    log.info("stopped")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
