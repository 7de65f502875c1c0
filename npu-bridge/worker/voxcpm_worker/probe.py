"""Container health probe: python -m voxcpm_worker.probe [host:port] [--tls-ca CA [--tls-cert C --tls-key K]];
exit 0 only when SERVING. The token is read as the worker reads it (--auth-token-file, $VOXCPM_WORKER_TOKEN_FILE,
$VOXCPM_WORKER_TOKEN); a TLS worker needs --tls-ca (and, with mutual TLS, a client certificate)."""
import argparse
import sys
from pathlib import Path

import grpc

from .protos import health_pb, health_pb_grpc
from .security import read_token


def channel_for(args) -> grpc.Channel:
    if not args.tls_ca:
        return grpc.insecure_channel(args.target)
    read = lambda path: Path(path).read_bytes() if path else None  # noqa: E731
    credentials = grpc.ssl_channel_credentials(read(args.tls_ca), read(args.tls_key), read(args.tls_cert))
    options = [("grpc.ssl_target_name_override", args.server_name)] if args.server_name else []
    return grpc.secure_channel(args.target, credentials, options=options)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m voxcpm_worker.probe")
    p.add_argument("target", nargs="?", default="127.0.0.1:50051")
    p.add_argument("--tls-ca", help="PEM CA that signed the worker's certificate (the worker serves TLS)")
    p.add_argument("--tls-cert", help="PEM client certificate (mutual TLS)")
    p.add_argument("--tls-key", help="PEM key of --tls-cert")
    p.add_argument("--server-name", help="name to check the worker's certificate against (default: the host)")
    p.add_argument("--auth-token-file", help="the worker's shared token")
    args = p.parse_args(argv)
    token = read_token(args.auth_token_file)
    metadata = (("authorization", f"Bearer {token}"),) if token else ()
    with channel_for(args) as channel:
        try:
            status = health_pb_grpc.HealthStub(channel).Check(health_pb.HealthCheckRequest(), timeout=5,
                                                              metadata=metadata).status
        except grpc.RpcError as exc:
            print(f"{args.target}: {exc.code().name}", file=sys.stderr)
            return 1
    print(f"{args.target}: {health_pb.HealthCheckResponse.ServingStatus.Name(status)}")
    return 0 if status == health_pb.HealthCheckResponse.SERVING else 1


if __name__ == "__main__":
    sys.exit(main())
