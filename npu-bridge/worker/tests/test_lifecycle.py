"""Connection and lifecycle behaviour a client pool relies on: keepalive policy, health while loading
and draining, one worker per port."""
import threading
import unittest

import grpc

from support import collect, health_pb, health_pb_grpc, pb, pb_grpc, start_worker, wait_until
from voxcpm_worker import server
from voxcpm_worker.model import LoadOptions, load

LONG_TEXT = "This sentence is long enough to need many chunks of audio. " * 3
SERVING = health_pb.HealthCheckResponse.SERVING
NOT_SERVING = health_pb.HealthCheckResponse.NOT_SERVING

# A client that pings every second (grpc core's floor) whenever it has a call open, like grpc-java's
# keepalive (10 s in production) scaled down; grpc core's client otherwise rate-limits its own pings.
PINGING_CLIENT = [("grpc.keepalive_time_ms", 1000), ("grpc.keepalive_timeout_ms", 5000),
                  ("grpc.http2.max_pings_without_data", 0), ("grpc.http2.min_time_between_pings_ms", 1000),
                  ("grpc.keepalive_permit_without_calls", 0)]


class KeepaliveTest(unittest.TestCase):
    """A call queued behind another receives no data for a while; the client's pings must not get it
    killed. The scale is 1:10 against production (client 10 s, worker permits 5 s): the queued call
    sees about five pings, and grpc's default policy sends GOAWAY at the fourth."""

    def queued_call_outcome(self, keepalive):
        worker, channel, stub, _ = start_worker(instances=1, queue_capacity=1, chunk_delay=0.09, keepalive=keepalive)
        # Its own connection (another server's pool, say): no other call's data resets the ping count.
        quiet = grpc.insecure_channel(f"127.0.0.1:{worker.port}",
                                      options=PINGING_CLIENT + [("grpc.use_local_subchannel_pool", 1)])
        try:
            first = stub.Synthesize(pb.SynthesizeRequest(text=LONG_TEXT * 2, mode=pb.MODE_ZERO_SHOT), timeout=30)
            next(first)  # holds the only instance for ~6 s
            second = pb_grpc.VoxcpmWorkerStub(quiet).Synthesize(
                pb.SynthesizeRequest(text="Queued.", mode=pb.MODE_ZERO_SHOT), timeout=30)
            try:
                _, summary = collect(second)
                return summary
            except grpc.RpcError as exc:
                return exc
            finally:
                first.cancel()
        finally:
            quiet.close()
            channel.close()
            worker.stop(0)

    def test_pings_at_the_permitted_rate_do_not_kill_a_queued_call(self):
        outcome = self.queued_call_outcome(server.Keepalive(permit_time=0.5))
        self.assertIsInstance(outcome, pb.SynthesisSummary, str(outcome))
        self.assertGreater(outcome.queue_seconds, 4.0, "the call waited through several pings")

    def test_control_grpc_default_policy_kills_the_same_call(self):
        # grpc-python's own default (5 min): shows the test above can fail.
        outcome = self.queued_call_outcome(server.Keepalive(permit_time=300.0))
        self.assertIsInstance(outcome, grpc.RpcError)
        self.assertEqual(outcome.code(), grpc.StatusCode.UNAVAILABLE)

    def test_default_policy_permits_grpc_java_minimum_keepalive(self):
        # grpc-java clamps keepAliveTime to at least 10 s; the worker must accept that rate by default.
        options = dict(server.server_options(server.Keepalive()))
        self.assertLess(options["grpc.http2.min_ping_interval_without_data_ms"], 10_000)
        self.assertEqual(options["grpc.keepalive_permit_without_calls"], 1)


class LoadingAndDrainingTest(unittest.TestCase):
    def test_not_serving_while_loading_then_serving(self):
        release = threading.Event()
        options = LoadOptions(model="standin", device="cpu")

        def slow_loader():
            release.wait(10)
            return load(options)

        worker = server.begin(slow_loader, "127.0.0.1:0")
        channel = grpc.insecure_channel(f"127.0.0.1:{worker.port}")
        try:
            health = health_pb_grpc.HealthStub(channel)
            stub = pb_grpc.VoxcpmWorkerStub(channel)
            self.assertEqual(health.Check(health_pb.HealthCheckRequest(), timeout=5).status, NOT_SERVING)
            with self.assertRaises(grpc.RpcError) as caught:
                collect(stub.Synthesize(pb.SynthesizeRequest(text="Early.", mode=pb.MODE_ZERO_SHOT), timeout=5))
            self.assertEqual(caught.exception.code(), grpc.StatusCode.UNAVAILABLE)
            self.assertIn("loading", caught.exception.details())
            release.set()
            worker.wait_ready()
            self.assertEqual(health.Check(health_pb.HealthCheckRequest(), timeout=5).status, SERVING)
            _, summary = collect(stub.Synthesize(pb.SynthesizeRequest(text="Now.", mode=pb.MODE_ZERO_SHOT), timeout=5))
            self.assertGreater(summary.chunks, 0)
        finally:
            release.set()
            channel.close()
            worker.stop(0)

    def test_draining_refuses_new_calls_and_lets_the_running_one_finish(self):
        worker, channel, stub, health = start_worker(instances=2, chunk_delay=0.03)
        try:
            running = stub.Synthesize(pb.SynthesizeRequest(text=LONG_TEXT, mode=pb.MODE_ZERO_SHOT), timeout=30)
            first = next(running)
            stopper = threading.Thread(target=worker.stop, args=(10,))
            stopper.start()
            wait_until(lambda: health.Check(health_pb.HealthCheckRequest(), timeout=5).status == NOT_SERVING,
                       message="NOT_SERVING while draining")
            with self.assertRaises(grpc.RpcError) as caught:
                collect(stub.Synthesize(pb.SynthesizeRequest(text="Late.", mode=pb.MODE_ZERO_SHOT), timeout=5))
            self.assertEqual(caught.exception.code(), grpc.StatusCode.UNAVAILABLE)
            self.assertIn("draining", caught.exception.details())
            chunks, summary = collect(running)
            self.assertEqual(summary.chunks, len(chunks) + 1, "the call in progress ran to its end")
            self.assertEqual(first.chunk.sequence, 0)
            stopper.join(10)
            self.assertFalse(stopper.is_alive())
        finally:
            channel.close()
            worker.stop(0)


class PortTest(unittest.TestCase):
    def test_a_second_worker_cannot_share_the_port(self):
        worker, channel, _, _ = start_worker()
        try:
            with self.assertRaises(OSError):
                server.begin(lambda: None, f"127.0.0.1:{worker.port}")
        finally:
            channel.close()
            worker.stop(0)


if __name__ == "__main__":
    unittest.main()
