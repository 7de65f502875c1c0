"""The worker refuses strangers: token, mutual TLS, loopback by default, inline references off, bounded
voices, Watch streams and calls, validated ranges. Real gRPC on 127.0.0.1; certificates made per run."""
import math
import shutil
import tempfile
import unittest
from pathlib import Path

import grpc

from support import (collect, health_pb, make_pki, pb, pb_grpc, start_worker, tls_channel,
                     tone_wav, wait_until)
from voxcpm_worker import __main__ as cli
from voxcpm_worker.modes import Defaults
from voxcpm_worker.security import Limits, Security, SecurityError, Tls, check_listen, read_token

TOKEN = "s3cret-token-for-tests-0123456789"
HELLO = pb.SynthesizeRequest(text="Hello.", mode=pb.MODE_ZERO_SHOT)


def code_of(call):
    try:
        call()
    except grpc.RpcError as exc:
        return exc.code()
    return grpc.StatusCode.OK


class TokenTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.worker, cls.channel, cls.stub, cls.health = start_worker(security=Security(token=TOKEN))

    @classmethod
    def tearDownClass(cls):
        cls.channel.close()
        cls.worker.stop(0)

    def test_every_worker_call_without_the_token_is_unauthenticated(self):
        calls = {"Synthesize": lambda md: collect(self.stub.Synthesize(HELLO, timeout=10, metadata=md)),
                 "RegisterVoice": lambda md: self.stub.RegisterVoice(
                     pb.RegisterVoiceRequest(wav=tone_wav(), transcript="x"), timeout=10, metadata=md),
                 "HasVoice": lambda md: self.stub.HasVoice(pb.HasVoiceRequest(voice_id="v-1"), timeout=10, metadata=md),
                 "DeleteVoice": lambda md: self.stub.DeleteVoice(pb.DeleteVoiceRequest(voice_id="v-1"), timeout=10,
                                                                 metadata=md),
                 "Info": lambda md: self.stub.Info(pb.InfoRequest(), timeout=10, metadata=md),
                 "Check": lambda md: self.health.Check(health_pb.HealthCheckRequest(), timeout=10, metadata=md),
                 "Watch": lambda md: next(self.health.Watch(health_pb.HealthCheckRequest(), timeout=10, metadata=md))}
        for name, call in calls.items():
            for metadata in ((), (("authorization", "Bearer wrong-token-0123456789"),),
                             (("authorization", TOKEN),), (("x-token", f"Bearer {TOKEN}"),)):
                with self.subTest(name, metadata=metadata):
                    self.assertEqual(code_of(lambda: call(metadata)), grpc.StatusCode.UNAUTHENTICATED)
        self.assertEqual(list(self.worker.voices.directory.glob("v-*")), [], "nothing was registered")

    def test_the_right_token_works(self):
        md = (("authorization", f"Bearer {TOKEN}"),)
        chunks, summary = collect(self.stub.Synthesize(HELLO, timeout=10, metadata=md))
        self.assertGreater(len(chunks), 0)
        self.assertEqual(summary.chunks, len(chunks))
        self.assertTrue(self.stub.RegisterVoice(pb.RegisterVoiceRequest(wav=tone_wav(freq=400.0)), timeout=10,
                                                metadata=md).voice_id)

    def test_the_probe_sends_the_token_it_reads_like_the_worker(self):
        from voxcpm_worker import probe
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "token"
            path.write_text(TOKEN)
            self.assertEqual(probe.main([f"127.0.0.1:{self.worker.port}", "--auth-token-file", str(path)]), 0)
            path.write_text("another-token-0123456789")
            self.assertEqual(probe.main([f"127.0.0.1:{self.worker.port}", "--auth-token-file", str(path)]), 1)


class MutualTlsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = Path(tempfile.mkdtemp(prefix="voxcpm-pki-"))
        cls.pki = make_pki(cls.dir)
        tls = Tls.from_files(cls.pki["server.crt"], cls.pki["server.key"], cls.pki["ca"])
        cls.worker, cls.channel, cls.stub, _ = start_worker(
            security=Security(token=TOKEN, tls=tls), channel_credentials=cls.credentials("client"))

    @classmethod
    def tearDownClass(cls):
        cls.channel.close()
        cls.worker.stop(0)
        shutil.rmtree(cls.dir, ignore_errors=True)

    @classmethod
    def credentials(cls, client=None, ca="ca"):
        read = lambda name: cls.pki[name].read_bytes()  # noqa: E731
        if client is None:
            return grpc.ssl_channel_credentials(read(ca))
        return grpc.ssl_channel_credentials(read(ca), read(f"{client}.key"), read(f"{client}.crt"))

    def synthesize_over(self, channel):
        try:
            return code_of(lambda: collect(pb_grpc.VoxcpmWorkerStub(channel).Synthesize(
                HELLO, timeout=10, metadata=(("authorization", f"Bearer {TOKEN}"),))))
        finally:
            channel.close()

    def test_a_client_with_a_certificate_from_the_ca_and_the_token_is_served(self):
        self.assertEqual(self.synthesize_over(tls_channel(self.worker.port, self.credentials("client"))),
                         grpc.StatusCode.OK)

    def test_without_a_client_certificate_or_with_a_foreign_one_the_handshake_fails(self):
        for label, credentials in (("no client certificate", self.credentials()),
                                   ("certificate of another CA", self.credentials("rogue"))):
            with self.subTest(label):
                self.assertEqual(self.synthesize_over(tls_channel(self.worker.port, credentials)),
                                 grpc.StatusCode.UNAVAILABLE)

    def test_plaintext_to_the_tls_port_fails(self):
        self.assertEqual(self.synthesize_over(grpc.insecure_channel(f"127.0.0.1:{self.worker.port}")),
                         grpc.StatusCode.UNAVAILABLE)


class InlineReferenceTest(unittest.TestCase):
    def test_inline_references_are_refused_unless_enabled(self):
        request = pb.SynthesizeRequest(text="Hi.", mode=pb.MODE_CLONE,
                                       inline_reference=pb.InlineReference(wav=tone_wav()))
        for limits, expected in ((Limits(), grpc.StatusCode.PERMISSION_DENIED),
                                 (Limits(allow_inline=True), grpc.StatusCode.OK)):
            worker, channel, stub, _ = start_worker(limits=limits, warm=False)
            try:
                with self.subTest(allow_inline=limits.allow_inline):
                    self.assertEqual(code_of(lambda: collect(stub.Synthesize(request, timeout=10))), expected)
            finally:
                channel.close()
                worker.stop(0)


class QuotaTest(unittest.TestCase):
    def test_registered_voices_are_capped(self):
        worker, channel, stub, _ = start_worker(limits=Limits(max_voices=2), warm=False)
        try:
            ids = [stub.RegisterVoice(pb.RegisterVoiceRequest(wav=tone_wav(freq=f)), timeout=10).voice_id
                   for f in (200.0, 300.0)]
            with self.assertRaises(grpc.RpcError) as caught:
                stub.RegisterVoice(pb.RegisterVoiceRequest(wav=tone_wav(freq=400.0)), timeout=10)
            self.assertEqual(caught.exception.code(), grpc.StatusCode.RESOURCE_EXHAUSTED)
            self.assertIn("maximum of 2 voices", caught.exception.details())
            again = stub.RegisterVoice(pb.RegisterVoiceRequest(wav=tone_wav(freq=200.0)), timeout=10)
            self.assertTrue(again.already_registered, "a voice it holds registers again at the cap")
            stub.DeleteVoice(pb.DeleteVoiceRequest(voice_id=ids[0]), timeout=10)
            stub.RegisterVoice(pb.RegisterVoiceRequest(wav=tone_wav(freq=400.0)), timeout=10)
            self.assertEqual(len(list(worker.voices.directory.glob("v-*.wav"))), 2)
        finally:
            channel.close()
            worker.stop(0)

    def test_17_watch_streams_cannot_pin_the_worker(self):
        """Before the cap, 17 Watch streams took every thread of the pool (instances + queue + 8) and a
        Synthesize waited forever."""
        worker, channel, stub, health = start_worker(instances=1, queue_capacity=4, warm=False,
                                                     limits=Limits(max_watch_streams=3))
        streams = []
        try:
            codes = []
            for _ in range(17):
                stream = health.Watch(health_pb.HealthCheckRequest(), timeout=30)
                streams.append(stream)
                codes.append(code_of(lambda: next(stream)))
            self.assertEqual(codes[:3], [grpc.StatusCode.OK] * 3)
            self.assertEqual(set(codes[3:]), {grpc.StatusCode.RESOURCE_EXHAUSTED})
            chunks, summary = collect(stub.Synthesize(HELLO, timeout=10))
            self.assertEqual(summary.chunks, len(chunks))
            streams[0].cancel()

            def reopened():
                again = health.Watch(health_pb.HealthCheckRequest(), timeout=30)
                streams.append(again)
                return code_of(lambda: next(again)) == grpc.StatusCode.OK
            wait_until(reopened, message="a closed stream frees its slot")
        finally:
            for stream in streams:
                stream.cancel()
            channel.close()
            worker.stop(0)


class ValidationTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.worker, cls.channel, cls.stub, _ = start_worker(warm=False, defaults=Defaults(max_text_chars=100))

    @classmethod
    def tearDownClass(cls):
        cls.channel.close()
        cls.worker.stop(0)

    def test_out_of_range_requests_are_invalid(self):
        cases = [(dict(text="x" * 101), "exceeds this worker's limit of 100"),
                 (dict(text="Hi.", cfg_value=math.nan), "finite"),
                 (dict(text="Hi.", cfg_value=math.inf), "finite"),
                 (dict(text="Hi.", inference_timesteps=101), "inference_timesteps above"),
                 (dict(text="Hi.", max_length=-1), "must not be negative"),
                 (dict(text="Hi.", mode=pb.MODE_DESIGN, description="calm " * 200), "description of")]
        for fields, message in cases:
            fields.setdefault("mode", pb.MODE_ZERO_SHOT)
            with self.subTest(fields=str(fields)[:60]):
                with self.assertRaises(grpc.RpcError) as caught:
                    collect(self.stub.Synthesize(pb.SynthesizeRequest(**fields), timeout=10))
                self.assertEqual(caught.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
                self.assertIn(message, caught.exception.details())

    def test_an_overlong_transcript_is_invalid(self):
        with self.assertRaises(grpc.RpcError) as caught:
            self.stub.RegisterVoice(pb.RegisterVoiceRequest(wav=tone_wav(), transcript="word " * 500), timeout=10)
        self.assertEqual(caught.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)


class ListenPolicyTest(unittest.TestCase):
    def args(self, *argv):
        return cli.parse_args(["--model", "standin", *argv])

    def test_loopback_is_the_default_and_other_addresses_need_a_flag_and_authentication(self):
        self.assertEqual(self.args().listen, "127.0.0.1:50051")
        for listen in ("127.0.0.1:0", "[::1]:0", "localhost:0"):
            check_listen(listen, False, Security())
        for listen in ("0.0.0.0:50051", "[::]:50051", "10.0.0.5:50051", "worker:50051"):
            with self.subTest(listen), self.assertRaisesRegex(SecurityError, "--allow-remote"):
                check_listen(listen, False, Security(token=TOKEN))
        with self.assertRaisesRegex(SecurityError, "needs authentication"):
            check_listen("0.0.0.0:50051", True, Security())
        check_listen("0.0.0.0:50051", True, Security(token=TOKEN))

    def test_the_command_line_reads_the_token_from_a_file_or_the_environment_never_an_option(self):
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "token"
            path.write_text(TOKEN + "\n")
            security, limits = cli.security_from(
                self.args("--listen", "0.0.0.0:0", "--allow-remote", "--auth-token-file", str(path)), environ={})
            self.assertEqual(security.token, TOKEN)
            self.assertFalse(limits.allow_inline)
            security, _ = cli.security_from(self.args("--listen", "0.0.0.0:0", "--allow-remote"),
                                            environ={"VOXCPM_WORKER_TOKEN": TOKEN})
            self.assertEqual(security.token, TOKEN)
            with self.assertRaisesRegex(SecurityError, "needs authentication"):
                cli.security_from(self.args("--listen", "0.0.0.0:0", "--allow-remote"), environ={})
        with self.assertRaisesRegex(SecurityError, "at least 16"):
            read_token(None, {"VOXCPM_WORKER_TOKEN": "short"})
        with self.assertRaises(SystemExit):
            cli.parse_args(["--token", TOKEN])

    def test_a_process_asked_to_listen_on_all_addresses_without_the_flag_exits_with_usage_error(self):
        self.assertEqual(cli.main(["--model", "standin", "--device", "cpu", "--listen", "0.0.0.0:0"]), 2)


if __name__ == "__main__":
    unittest.main()
