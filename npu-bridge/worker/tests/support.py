"""Shared helpers: an in-process worker over real gRPC on loopback, with the stand-in model."""
import io
import subprocess
import sys
import time
import wave
from pathlib import Path

import numpy as np

WORKER_DIR = Path(__file__).resolve().parent.parent
if str(WORKER_DIR) not in sys.path:
    sys.path.insert(0, str(WORKER_DIR))

import grpc  # noqa: E402

from voxcpm_worker import server  # noqa: E402
from voxcpm_worker.model import LoadOptions, load, warm_up  # noqa: E402
from voxcpm_worker.protos import health_pb, health_pb_grpc, pb, pb_grpc  # noqa: E402

PYTHON = sys.executable


def start_worker(instances=1, queue_capacity=4, chunk_delay=0.0, fail_after=None, voice_dir=None,
                 keepalive=server.Keepalive(), channel_options=(), standin_api="2.0.3", defaults=None,
                 warm=True, security=server.Security(), limits=server.Limits(), channel_credentials=None):
    """A warmed-up worker (as in production) whose stand-in counters start at zero after the warm-up.
    With ``channel_credentials`` the returned channel uses TLS and checks the name "localhost"."""
    options = LoadOptions(model="standin", device="cpu", standin_chunk_delay=chunk_delay, standin_fail_after=fail_after,
                          standin_api=standin_api)
    worker = server.start(lambda: load(options), "127.0.0.1:0", instances=instances, queue_capacity=queue_capacity,
                          voice_dir=voice_dir, keepalive=keepalive, warm_up=warm_up if warm else None,
                          defaults=defaults or server.Defaults(), security=security, limits=limits)
    for instance in worker.scheduler.instances:
        instance.model.tts.reset_counters()
    if channel_credentials is None:
        channel = grpc.insecure_channel(f"127.0.0.1:{worker.port}", options=list(channel_options))
    else:
        channel = tls_channel(worker.port, channel_credentials, channel_options)
    return worker, channel, pb_grpc.VoxcpmWorkerStub(channel), health_pb_grpc.HealthStub(channel)


def tls_channel(port, credentials, options=()):
    return grpc.secure_channel(f"127.0.0.1:{port}", credentials,
                               options=list(options) + [("grpc.ssl_target_name_override", "localhost")])


def make_pki(directory: Path) -> dict:
    """Test certificates made now with openssl (never committed): a CA, a server certificate for
    localhost/127.0.0.1 and a client certificate it signed, and a rogue CA with its own client. Returns
    name -> path of the PEM files: ca, server.crt, server.key, client.crt, client.key, rogue.crt, rogue.key."""
    def run(*args):
        subprocess.run(["openssl", *args], cwd=directory, check=True, capture_output=True)

    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    (directory / "server.ext").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    (directory / "client.ext").write_text("extendedKeyUsage=clientAuth\n")
    for ca in ("ca", "rogue-ca"):
        run("req", "-x509", *ec, "-keyout", f"{ca}.key", "-out", f"{ca}.crt", "-days", "2", "-subj", f"/CN=test {ca}")
    for name, ca, ext in (("server", "ca", "server.ext"), ("client", "ca", "client.ext"),
                          ("rogue", "rogue-ca", "client.ext")):
        run("req", *ec, "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN={name}")
        run("x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.crt", "-CAkey", f"{ca}.key", "-CAcreateserial",
            "-out", f"{name}.crt", "-days", "2", "-extfile", ext)
    files = {"ca": "ca.crt"}
    for name in ("server", "client", "rogue"):
        files[f"{name}.crt"] = f"{name}.crt"
        files[f"{name}.key"] = f"{name}.key"
    return {k: directory / v for k, v in files.items()}



def standin(worker, index=0):
    return worker.scheduler.instances[index].model.tts


def tone_wav(seconds=1.0, rate=16000, freq=220.0) -> bytes:
    t = np.arange(int(seconds * rate)) / rate
    samples = (0.3 * np.sin(2 * np.pi * freq * t) * 32767).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.tobytes())
    return buf.getvalue()


def collect(responses):
    """Splits a Synthesize stream into (chunks, summary)."""
    chunks, summary = [], None
    for response in responses:
        if response.HasField("chunk"):
            chunks.append(response.chunk)
        else:
            summary = response.summary
    return chunks, summary


def wait_until(condition, timeout=10.0, message="condition"):
    """Polls for an outcome; the timeout only bounds a hung test, it asserts no speed."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.01)
    raise AssertionError(f"timed out waiting for {message}")
