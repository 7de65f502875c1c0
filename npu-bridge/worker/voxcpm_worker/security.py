"""Who may talk to the worker, and how much of it one caller may hold.

A worker that anyone on the network can reach lets them clone any voice from any recording, fill the
voice directory and pin its threads. So by default it listens on loopback only; another address needs
``--allow-remote`` and authentication: a shared token sent as ``authorization: Bearer <token>`` metadata,
mutual TLS (a client certificate signed by ``--tls-client-ca``), or both. The token is read from a file
or the environment, never from the command line (where ``ps`` shows it).

Every call needs the token, health checks included: the server's pool health-checks each worker, so a
worker configured with another token shows as down instead of healthy-but-refusing. Container probes run
``python -m voxcpm_worker.probe``, which reads the token the way the worker does.
"""
from __future__ import annotations

import hmac
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import grpc

TOKEN_ENV = "VOXCPM_WORKER_TOKEN"
TOKEN_FILE_ENV = "VOXCPM_WORKER_TOKEN_FILE"
#: Shorter tokens are guessable; ``openssl rand -hex 32`` makes a good one.
MIN_TOKEN_CHARS = 16


@dataclass(frozen=True)
class Limits:
    """What one caller may hold. ``allow_inline``: Synthesize may carry its own reference recording,
    which clones a voice that never went through the server's registry (and its consent record): off
    unless the operator turns it on. ``max_watch_streams``: health Watch streams each hold a thread for
    as long as the client keeps them open. ``unary_margin``: concurrent unary calls and health checks
    beside the syntheses; with the syntheses (instances + queue) and the Watch streams it bounds every
    call the server runs at once, so a flood is refused with RESOURCE_EXHAUSTED instead of pinning every
    thread."""
    allow_inline: bool = False
    max_voices: int = 1000
    max_watch_streams: int = 4
    unary_margin: int = 8

    def max_concurrent_rpcs(self, instances: int, queue_capacity: int) -> int:
        return instances + queue_capacity + self.max_watch_streams + self.unary_margin


class SecurityError(ValueError):
    """A security setting that cannot work; the message says which and why."""


@dataclass(frozen=True)
class Tls:
    cert_chain: bytes
    private_key: bytes
    client_ca: Optional[bytes] = None  # set: every client must present a certificate it signed

    @staticmethod
    def from_files(cert: str, key: str, client_ca: Optional[str] = None) -> "Tls":
        try:
            return Tls(Path(cert).read_bytes(), Path(key).read_bytes(),
                       Path(client_ca).read_bytes() if client_ca else None)
        except OSError as exc:
            raise SecurityError(f"cannot read TLS file: {exc}") from None

    def credentials(self) -> grpc.ServerCredentials:
        return grpc.ssl_server_credentials([(self.private_key, self.cert_chain)], root_certificates=self.client_ca,
                                           require_client_auth=self.client_ca is not None)


@dataclass(frozen=True)
class Security:
    """``token``: required from every caller (but see the module note) when set; ``tls``: serve TLS."""
    token: Optional[str] = None
    tls: Optional[Tls] = None

    @property
    def mutual_tls(self) -> bool:
        return self.tls is not None and self.tls.client_ca is not None

    @property
    def authenticates(self) -> bool:
        return self.token is not None or self.mutual_tls

    def interceptors(self) -> list:
        return [TokenInterceptor(self.token)] if self.token else []

    def bind(self, server: grpc.Server, address: str) -> int:
        if self.tls is None:
            return server.add_insecure_port(address)
        return server.add_secure_port(address, self.tls.credentials())


def read_token(path: Optional[str] = None, environ=os.environ) -> Optional[str]:
    """The shared token from ``path``, else from the file named by $VOXCPM_WORKER_TOKEN_FILE, else from
    $VOXCPM_WORKER_TOKEN; None when none is set. Surrounding whitespace (a trailing newline) is dropped."""
    path = path or environ.get(TOKEN_FILE_ENV)
    if path:
        try:
            token = Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise SecurityError(f"cannot read the token file: {exc}") from None
        source = path
    else:
        token = environ.get(TOKEN_ENV, "").strip()
        source = f"${TOKEN_ENV}"
        if not token:
            return None
    if len(token) < MIN_TOKEN_CHARS or not token.isprintable() or " " in token:
        raise SecurityError(f"the token in {source} must be at least {MIN_TOKEN_CHARS} printable characters "
                            "without spaces (e.g. `openssl rand -hex 32`)")
    return token


def is_loopback(host: str) -> bool:
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a name or a wildcard such as 0.0.0.0 / [::]


def check_listen(address: str, allow_remote: bool, security: Security) -> None:
    """Refuses to expose an unauthenticated worker: loopback needs nothing, any other address needs
    ``allow_remote`` and a token or mutual TLS."""
    host = address.rsplit(":", 1)[0]
    if is_loopback(host):
        return
    if not allow_remote:
        raise SecurityError(f"--listen {address} would expose the worker beyond this host: pass --allow-remote "
                            "(with --auth-token-file and/or --tls-cert/--tls-key/--tls-client-ca), or listen on "
                            "127.0.0.1")
    if not security.authenticates:
        raise SecurityError(f"--listen {address} with --allow-remote needs authentication: a shared token "
                            f"(--auth-token-file or ${TOKEN_ENV}) or mutual TLS (--tls-client-ca)")


def _deny(code: grpc.StatusCode, message: str):
    def abort(request, context):
        context.abort(code, message)
    return grpc.unary_unary_rpc_method_handler(abort)


class TokenInterceptor(grpc.ServerInterceptor):
    """Answers UNAUTHENTICATED, before any handler runs, to a call without the shared token."""

    def __init__(self, token: str):
        self._expected = f"Bearer {token}".encode("utf-8")
        self._missing = _deny(grpc.StatusCode.UNAUTHENTICATED, "this worker needs the shared token "
                                                                "(authorization: Bearer ...)")
        self._wrong = _deny(grpc.StatusCode.UNAUTHENTICATED, "wrong token")

    def intercept_service(self, continuation, handler_call_details):
        presented = None
        for key, value in handler_call_details.invocation_metadata or ():
            if key == "authorization":
                presented = value.encode("utf-8") if isinstance(value, str) else value
                break
        if presented is None:
            return self._missing
        # compare_digest: the time taken does not tell an attacker how much of a guess was right
        if not hmac.compare_digest(presented, self._expected):
            return self._wrong
        return continuation(handler_call_details)
