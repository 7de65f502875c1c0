"""The servicer over a real gRPC server on 127.0.0.1 with the stand-in model."""
import unittest

import grpc
import numpy as np

from support import collect, health_pb, pb, standin, start_worker, tone_wav, wait_until
from voxcpm_worker.security import Limits

INLINE_ALLOWED = Limits(allow_inline=True)  # off by default (test_security checks that)

CHUNK_BYTES = 7680 * 2
LONG_TEXT = "This sentence is long enough to need many chunks of audio. " * 6


class StreamingAndModesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.worker, cls.channel, cls.stub, cls.health = start_worker(instances=2, limits=INLINE_ALLOWED)
        cls.voice = cls.stub.RegisterVoice(pb.RegisterVoiceRequest(wav=tone_wav(), transcript="a test tone")).voice_id

    @classmethod
    def tearDownClass(cls):
        cls.channel.close()
        cls.worker.stop(0)

    def synth(self, **fields):
        fields.setdefault("request_tag", self.id())
        return collect(self.stub.Synthesize(pb.SynthesizeRequest(**fields), timeout=30))

    def pcm(self, chunks):
        return b"".join(c.pcm for c in chunks)

    def test_chunks_are_sequenced_160ms_pcm_and_summary_adds_up(self):
        chunks, summary = self.synth(text="Hello, welcome to the voice service.", mode=pb.MODE_ZERO_SHOT)
        self.assertGreater(len(chunks), 1)
        self.assertEqual([c.sequence for c in chunks], list(range(len(chunks))))
        self.assertTrue(all(c.sample_rate == 48000 and len(c.pcm) == CHUNK_BYTES for c in chunks))
        self.assertIsNotNone(summary)
        self.assertEqual(summary.chunks, len(chunks))
        self.assertAlmostEqual(summary.audio_seconds, len(chunks) * 0.16, places=6)
        self.assertGreaterEqual(summary.generation_seconds, 0.0)
        self.assertGreaterEqual(summary.first_chunk_seconds, summary.queue_seconds)
        samples = np.frombuffer(self.pcm(chunks), dtype="<i2")
        self.assertGreater(np.abs(samples).max(), 1000, "audio is not silent")

    def test_same_request_same_audio_and_text_changes_audio(self):
        a, _ = self.synth(text="Deterministic output.", mode=pb.MODE_ZERO_SHOT, seed=7)
        b, _ = self.synth(text="Deterministic output.", mode=pb.MODE_ZERO_SHOT, seed=7)
        c, _ = self.synth(text="A different sentence.", mode=pb.MODE_ZERO_SHOT, seed=7)
        self.assertEqual(self.pcm(a), self.pcm(b))
        self.assertNotEqual(self.pcm(a), self.pcm(c))

    def test_design_uses_the_description_as_prefix(self):
        plain, _ = self.synth(text="Good morning.", mode=pb.MODE_ZERO_SHOT)
        designed, _ = self.synth(text="Good morning.", mode=pb.MODE_DESIGN, description="a deep (calm) voice")
        other, _ = self.synth(text="Good morning.", mode=pb.MODE_DESIGN, description="a bright young voice")
        self.assertNotEqual(self.pcm(plain), self.pcm(designed))
        self.assertNotEqual(self.pcm(designed), self.pcm(other))

    def test_clone_with_registered_voice_with_and_without_style(self):
        plain, _ = self.synth(text="Good morning.", mode=pb.MODE_ZERO_SHOT)
        cloned, summary = self.synth(text="Good morning.", mode=pb.MODE_CLONE, voice_id=self.voice)
        styled, _ = self.synth(text="Good morning.", mode=pb.MODE_CLONE, voice_id=self.voice, description="whispering")
        self.assertGreater(summary.chunks, 0)
        self.assertNotEqual(self.pcm(plain), self.pcm(cloned))
        self.assertNotEqual(self.pcm(cloned), self.pcm(styled))

    def test_ultimate_clone_with_registered_and_inline_voice(self):
        registered, _ = self.synth(text="Good morning.", mode=pb.MODE_ULTIMATE_CLONE, voice_id=self.voice, seed=5)
        inline, _ = self.synth(text="Good morning.", mode=pb.MODE_ULTIMATE_CLONE, seed=5,
                               inline_reference=pb.InlineReference(wav=tone_wav(), transcript="a test tone"))
        clone, _ = self.synth(text="Good morning.", mode=pb.MODE_CLONE, voice_id=self.voice)
        self.assertEqual(self.pcm(registered), self.pcm(inline), "same recording and transcript, same voice")
        self.assertNotEqual(self.pcm(registered), self.pcm(clone), "continuation differs from reference-only")

    def assertInvalid(self, message_part, **fields):
        with self.assertRaises(grpc.RpcError) as caught:
            self.synth(**fields)
        self.assertEqual(caught.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        self.assertIn(message_part, caught.exception.details())

    def test_ultimate_clone_with_description_is_rejected(self):
        self.assertInvalid("ultimate clone does not take a description", text="Hi.", mode=pb.MODE_ULTIMATE_CLONE,
                           voice_id=self.voice, description="cheerful")

    def test_invalid_combinations_are_rejected(self):
        self.assertInvalid("mode is required", text="Hi.")
        self.assertInvalid("text is empty", text="  \n ", mode=pb.MODE_ZERO_SHOT)
        self.assertInvalid("needs a voice description", text="Hi.", mode=pb.MODE_DESIGN, description="()")
        self.assertInvalid("needs a voice_id or an inline_reference", text="Hi.", mode=pb.MODE_CLONE)
        self.assertInvalid("takes no reference", text="Hi.", mode=pb.MODE_ZERO_SHOT, voice_id=self.voice)
        self.assertInvalid("unknown voice_id", text="Hi.", mode=pb.MODE_CLONE, voice_id="v-nope")
        self.assertInvalid("not a readable PCM WAV", text="Hi.", mode=pb.MODE_CLONE,
                           inline_reference=pb.InlineReference(wav=b"not a wav"))
        no_transcript = self.stub.RegisterVoice(pb.RegisterVoiceRequest(wav=tone_wav(freq=330.0))).voice_id
        self.assertInvalid("needs the exact transcript", text="Hi.", mode=pb.MODE_ULTIMATE_CLONE,
                           voice_id=no_transcript)

    def test_registration_is_idempotent_by_content_hash(self):
        wav = tone_wav(freq=440.0)
        first = self.stub.RegisterVoice(pb.RegisterVoiceRequest(wav=wav, transcript="words"))
        again = self.stub.RegisterVoice(pb.RegisterVoiceRequest(wav=wav, transcript="words"))
        other = self.stub.RegisterVoice(pb.RegisterVoiceRequest(wav=wav, transcript="other words"))
        self.assertFalse(first.already_registered)
        self.assertTrue(again.already_registered)
        self.assertEqual(first.voice_id, again.voice_id)
        self.assertNotEqual(first.voice_id, other.voice_id)
        self.assertTrue(self.stub.HasVoice(pb.HasVoiceRequest(voice_id=first.voice_id)).present)
        self.assertFalse(self.stub.HasVoice(pb.HasVoiceRequest(voice_id="v-unknown")).present)
        with self.assertRaises(grpc.RpcError) as caught:
            self.stub.RegisterVoice(pb.RegisterVoiceRequest(wav=b"RIFF....junk"))
        self.assertEqual(caught.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)

    def test_info_reports_device_dtype_residency_and_queue(self):
        info = self.stub.Info(pb.InfoRequest())
        self.assertEqual(info.device, "cpu")
        self.assertEqual(info.dtype, "bfloat16")
        self.assertEqual(info.sample_rate, 48000)
        self.assertEqual(info.instances, 2)
        self.assertEqual(info.queue_depth, 0)
        self.assertEqual(info.queue_capacity, 4)
        self.assertIn("standin", info.model_version)
        components = {r.component: r for r in info.residency}
        self.assertIn("0/base_lm", components)
        self.assertIn("1/audio_vae", components)
        self.assertEqual(components["1/audio_vae"].expected_dtype, "float32")
        for r in info.residency:
            self.assertGreater(r.parameters_total, 0)
            self.assertEqual(r.parameters_on_device, r.parameters_total)
            self.assertEqual(r.parameters_expected_dtype, r.parameters_total)

    def test_health_check_and_watch(self):
        self.assertEqual(self.health.Check(health_pb.HealthCheckRequest()).status,
                         health_pb.HealthCheckResponse.SERVING)
        self.assertEqual(self.health.Check(health_pb.HealthCheckRequest(service="voxcpm.worker.v1.VoxcpmWorker")).status,
                         health_pb.HealthCheckResponse.SERVING)
        with self.assertRaises(grpc.RpcError) as caught:
            self.health.Check(health_pb.HealthCheckRequest(service="nope"))
        self.assertEqual(caught.exception.code(), grpc.StatusCode.NOT_FOUND)
        watch = self.health.Watch(health_pb.HealthCheckRequest(), timeout=10)
        self.assertEqual(next(watch).status, health_pb.HealthCheckResponse.SERVING)
        watch.cancel()


class PromptCacheTest(unittest.TestCase):
    def test_registered_voice_cache_is_built_once_per_kind(self):
        worker, channel, stub, _ = start_worker(limits=INLINE_ALLOWED)
        try:
            voice = stub.RegisterVoice(pb.RegisterVoiceRequest(wav=tone_wav(), transcript="hello")).voice_id
            for _ in range(3):
                collect(stub.Synthesize(pb.SynthesizeRequest(text="One.", mode=pb.MODE_CLONE, voice_id=voice)))
            self.assertEqual(standin(worker).prompt_cache_builds, 1)
            for _ in range(2):
                collect(stub.Synthesize(pb.SynthesizeRequest(text="Two.", mode=pb.MODE_ULTIMATE_CLONE, voice_id=voice)))
            self.assertEqual(standin(worker).prompt_cache_builds, 2)
            inline = pb.InlineReference(wav=tone_wav(), transcript="hello")
            for _ in range(2):
                collect(stub.Synthesize(pb.SynthesizeRequest(text="Three.", mode=pb.MODE_CLONE, inline_reference=inline)))
            self.assertEqual(standin(worker).prompt_cache_builds, 3, "an inline reference is encoded once, by hash")
            other = pb.InlineReference(wav=tone_wav(freq=300.0), transcript="hello")
            collect(stub.Synthesize(pb.SynthesizeRequest(text="Four.", mode=pb.MODE_CLONE, inline_reference=other)))
            self.assertEqual(standin(worker).prompt_cache_builds, 4, "another recording is another cache")
        finally:
            channel.close()
            worker.stop(0)

    def test_voices_survive_a_restart_with_a_voice_dir(self):
        import tempfile
        with tempfile.TemporaryDirectory() as directory:
            worker, channel, stub, _ = start_worker(voice_dir=directory)
            voice = stub.RegisterVoice(pb.RegisterVoiceRequest(wav=tone_wav(), transcript="kept")).voice_id
            channel.close()
            worker.stop(0)
            worker, channel, stub, _ = start_worker(voice_dir=directory)
            try:
                self.assertTrue(stub.HasVoice(pb.HasVoiceRequest(voice_id=voice)).present)
                _, summary = collect(stub.Synthesize(pb.SynthesizeRequest(text="Hi.", mode=pb.MODE_ULTIMATE_CLONE,
                                                                           voice_id=voice)))
                self.assertGreater(summary.chunks, 0)
            finally:
                channel.close()
                worker.stop(0)


class AdmissionCancellationDeadlineTest(unittest.TestCase):
    """One instance with a slow stand-in (50 ms per chunk) so that calls overlap."""

    def setUp(self):
        self.worker, self.channel, self.stub, _ = start_worker(instances=1, queue_capacity=1, chunk_delay=0.05)
        self.model = standin(self.worker)

    def tearDown(self):
        self.channel.close()
        self.worker.stop(0)

    def long_call(self, tag, **kw):
        return self.stub.Synthesize(pb.SynthesizeRequest(text=LONG_TEXT, mode=pb.MODE_ZERO_SHOT, request_tag=tag), **kw)

    def test_full_queue_is_refused_and_queue_time_is_reported(self):
        first = self.long_call("first")
        next(first)  # holds the only instance
        second = self.long_call("second")
        wait_until(lambda: self.stub.Info(pb.InfoRequest()).queue_depth == 1, message="second call queued")
        with self.assertRaises(grpc.RpcError) as caught:
            collect(self.long_call("third"))
        self.assertEqual(caught.exception.code(), grpc.StatusCode.RESOURCE_EXHAUSTED)
        self.assertIn("queue is full", caught.exception.details())
        first.cancel()
        chunks, summary = collect(second)
        self.assertGreater(len(chunks), 0)
        self.assertGreater(summary.queue_seconds, 0.0)
        self.assertGreaterEqual(summary.first_chunk_seconds, summary.queue_seconds)
        self.assertEqual(self.stub.Info(pb.InfoRequest()).queue_depth, 0)

    def test_cancel_closes_the_generator_and_frees_the_instance_within_one_chunk(self):
        call = self.long_call("cancelled")
        received = [next(call), next(call)]
        call.cancel()
        wait_until(lambda: self.worker.scheduler.busy == 0, message="instance freed")
        self.assertEqual(self.model.generators_closed_early, 1)
        self.assertEqual(self.model.generators_finished, 0)
        # The chunks already handed over plus at most the one being computed when the cancel arrived
        # (and one queued between threads) were generated; the text needs far more than that.
        self.assertLessEqual(self.model.chunks_generated, len(received) + 2)
        _, summary = collect(self.stub.Synthesize(pb.SynthesizeRequest(text="After.", mode=pb.MODE_ZERO_SHOT)))
        self.assertGreater(summary.chunks, 0)

    def test_deadline_during_generation_stops_it(self):
        with self.assertRaises(grpc.RpcError) as caught:
            collect(self.long_call("deadline", timeout=0.3))
        self.assertEqual(caught.exception.code(), grpc.StatusCode.DEADLINE_EXCEEDED)
        wait_until(lambda: self.worker.scheduler.busy == 0, message="instance freed")
        self.assertEqual(self.model.generators_closed_early, 1)

    def test_deadline_while_queued(self):
        first = self.long_call("holder")
        next(first)
        with self.assertRaises(grpc.RpcError) as caught:
            collect(self.long_call("queued", timeout=0.3))
        self.assertEqual(caught.exception.code(), grpc.StatusCode.DEADLINE_EXCEEDED)
        wait_until(lambda: self.worker.scheduler.queue_depth == 0, message="queue drained")
        first.cancel()


class FailureTest(unittest.TestCase):
    def test_model_failure_mid_stream_ends_the_call_and_frees_the_instance(self):
        worker, channel, stub, _ = start_worker(fail_after=2, warm=False)
        try:
            call = stub.Synthesize(pb.SynthesizeRequest(text=LONG_TEXT, mode=pb.MODE_ZERO_SHOT, request_tag="boom"))
            got = []
            with self.assertRaises(grpc.RpcError) as caught:
                for response in call:
                    got.append(response)
            self.assertEqual(caught.exception.code(), grpc.StatusCode.INTERNAL)
            self.assertIn("injected failure", caught.exception.details())
            self.assertEqual(len(got), 2)
            wait_until(lambda: worker.scheduler.busy == 0, message="instance freed")
        finally:
            channel.close()
            worker.stop(0)


if __name__ == "__main__":
    unittest.main()
