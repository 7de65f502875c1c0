"""Container health probe: python -m voxcpm_worker.probe [host:port]; exit 0 only when SERVING."""
import sys

import grpc

from .protos import health_pb, health_pb_grpc


def main(argv=None) -> int:
    target = (argv if argv is not None else sys.argv[1:]) or ["127.0.0.1:50051"]
    with grpc.insecure_channel(target[0]) as channel:
        try:
            status = health_pb_grpc.HealthStub(channel).Check(health_pb.HealthCheckRequest(), timeout=5).status
        except grpc.RpcError as exc:
            print(f"{target[0]}: {exc.code().name}", file=sys.stderr)
            return 1
    print(f"{target[0]}: {health_pb.HealthCheckResponse.ServingStatus.Name(status)}")
    return 0 if status == health_pb.HealthCheckResponse.SERVING else 1


if __name__ == "__main__":
    sys.exit(main())
