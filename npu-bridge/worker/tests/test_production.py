"""What the worker does around voxcpm in production: seeds on 2.0.3, the RNG gate, warm-up before
SERVING, one-at-a-time loading, reference limits, silence trimming, normalisation, DeleteVoice."""
import tempfile
import threading
import unittest

import grpc

from support import collect, pb, standin, start_worker, tone_wav, wait_until
from voxcpm_worker import server, standin as standin_module
from voxcpm_worker.model import LoadOptions, load, warm_up
from voxcpm_worker.modes import Defaults
from voxcpm_worker.security import Limits

DESIGN = dict(text="Thank you for calling.", mode=pb.MODE_DESIGN, description="A warm, mature male voice")


def pcm(chunks):
    return b"".join(c.pcm for c in chunks)


class SeedsOnVoxcpm203Test(unittest.TestCase):
    """The stand-in imitates voxcpm 2.0.3: no seed argument, one process-wide random state."""

    @classmethod
    def setUpClass(cls):
        cls.worker, cls.channel, cls.stub, _ = start_worker(instances=1)

    @classmethod
    def tearDownClass(cls):
        cls.channel.close()
        cls.worker.stop(0)

    def synth(self, **fields):
        return collect(self.stub.Synthesize(pb.SynthesizeRequest(**fields), timeout=30))

    def test_the_stand_in_refuses_a_seed_argument_like_the_library(self):
        tts = standin(self.worker)
        with self.assertRaises(TypeError):
            tts.generate_with_prompt_cache_streaming(target_text="Hi.", prompt_cache=None, seed=1)
        self.assertFalse(self.worker.scheduler.instances[0].model.accepts_seed)
        self.assertFalse(self.stub.Info(pb.InfoRequest()).model_accepts_seed)

    def test_unseeded_design_is_another_speaker_every_time(self):
        # The production bug the seed fix (and the anchor) exist for: shown, so the tests below mean something.
        first, _ = self.synth(**DESIGN)
        second, _ = self.synth(**DESIGN)
        self.assertNotEqual(pcm(first), pcm(second))

    def test_a_seed_reaches_the_model_through_the_generators(self):
        first, summary = self.synth(seed=1234, **DESIGN)
        self.synth(**DESIGN)  # moves the global random state on
        second, _ = self.synth(seed=1234, **DESIGN)
        self.assertEqual(pcm(first), pcm(second))
        self.assertEqual(summary.seeded_by, "generators")
        other, _ = self.synth(seed=99, **DESIGN)
        self.assertNotEqual(pcm(first), pcm(other))

    def test_unseeded_summary_says_so(self):
        _, summary = self.synth(**DESIGN)
        self.assertEqual(summary.seeded_by, "")


class SeedsOnNewerVoxcpmTest(unittest.TestCase):
    def test_the_upstream_seed_parameter_is_used_when_present(self):
        worker, channel, stub, _ = start_worker(standin_api="newer")
        try:
            self.assertTrue(stub.Info(pb.InfoRequest()).model_accepts_seed)
            a, summary = collect(stub.Synthesize(pb.SynthesizeRequest(seed=7, **DESIGN)))
            collect(stub.Synthesize(pb.SynthesizeRequest(**DESIGN)))
            b, _ = collect(stub.Synthesize(pb.SynthesizeRequest(seed=7, **DESIGN)))
            self.assertEqual(pcm(a), pcm(b))
            self.assertEqual(summary.seeded_by, "parameter")
        finally:
            channel.close()
            worker.stop(0)


class RngGateTest(unittest.TestCase):
    def test_a_seeded_call_is_not_disturbed_by_another_instance_generating(self):
        # Two instances share the process-wide random state. While instance 0 generates unseeded audio
        # slowly, a seeded call on instance 1 must still give the audio it gives alone.
        worker, channel, stub, _ = start_worker(instances=2, chunk_delay=0.01)
        try:
            alone, _ = collect(stub.Synthesize(pb.SynthesizeRequest(seed=42, **DESIGN)))
            busy = stub.Synthesize(pb.SynthesizeRequest(text="Unseeded background speech. " * 8,
                                                        mode=pb.MODE_ZERO_SHOT))
            next(busy)
            beside, _ = collect(stub.Synthesize(pb.SynthesizeRequest(seed=42, **DESIGN)))
            collect(busy)
            self.assertEqual(pcm(alone), pcm(beside))
        finally:
            channel.close()
            worker.stop(0)


class WarmUpAndLoadingTest(unittest.TestCase):
    def test_each_instance_is_warmed_up_before_serving_and_loads_alone(self):
        loading = []
        overlap = []
        lock = threading.Lock()
        options = LoadOptions(model="standin", device="cpu")

        def loader():
            with lock:
                loading.append(1)
                overlap.append(len(loading))
            try:
                threading.Event().wait(0.05)
                return load(options)
            finally:
                with lock:
                    loading.pop()

        worker = server.begin(loader, "127.0.0.1:0", instances=3, warm_up=warm_up)
        try:
            worker.wait_ready()
            self.assertEqual(max(overlap), 1, "instances load one after another")
            for instance in worker.scheduler.instances:
                tts = instance.model.tts
                self.assertIsNotNone(instance.warm_up_seconds)
                self.assertEqual(tts.prompt_cache_builds, 1, "warm-up builds a prompt cache")
                self.assertGreater(tts.chunks_generated, 0, "warm-up generates")
                self.assertEqual(tts.generators_finished, 1)
        finally:
            worker.stop(0)


class ReferencesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.worker, cls.channel, cls.stub, _ = start_worker(
            defaults=Defaults(kv_cache_length=2048, max_length=2048, normalize_text=True),
            limits=Limits(allow_inline=True))

    @classmethod
    def tearDownClass(cls):
        cls.channel.close()
        cls.worker.stop(0)

    def assertInvalid(self, call, message):
        with self.assertRaises(grpc.RpcError) as caught:
            call()
        self.assertEqual(caught.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        self.assertIn(message, caught.exception.details())

    def test_references_must_last_1_to_30_seconds(self):
        for seconds in (0.5, 30.5):
            wav = tone_wav(seconds=seconds)
            self.assertInvalid(lambda: self.stub.RegisterVoice(pb.RegisterVoiceRequest(wav=wav)), "1-30 s")
            self.assertInvalid(lambda: collect(self.stub.Synthesize(pb.SynthesizeRequest(
                text="Hi.", mode=pb.MODE_CLONE, inline_reference=pb.InlineReference(wav=wav)))), "1-30 s")
        self.stub.RegisterVoice(pb.RegisterVoiceRequest(wav=tone_wav(seconds=30.0)))

    def test_prompt_caches_trim_silence_and_summary_names_the_reference(self):
        import hashlib
        wav = tone_wav(freq=180.0)
        voice = self.stub.RegisterVoice(pb.RegisterVoiceRequest(wav=wav, transcript="words")).voice_id
        _, summary = collect(self.stub.Synthesize(pb.SynthesizeRequest(text="Hi.", mode=pb.MODE_CLONE, voice_id=voice)))
        self.assertEqual(summary.reference_sha256, hashlib.sha256(wav).hexdigest())
        self.assertTrue(standin(self.worker).build_kwargs[-1]["trim_silence_vad"])

    def test_max_length_beyond_the_kv_cache_is_refused(self):
        info = self.stub.Info(pb.InfoRequest())
        self.assertEqual(info.kv_cache_length, 2048)
        self.assertInvalid(lambda: collect(self.stub.Synthesize(pb.SynthesizeRequest(
            text="Hi.", mode=pb.MODE_ZERO_SHOT, max_length=2049))), "KV cache")

    def test_normalisation_applies_to_the_text_and_never_to_the_description(self):
        collect(self.stub.Synthesize(pb.SynthesizeRequest(text="Press 1 now.", mode=pb.MODE_DESIGN,
                                                          description="agent 7, calm")))
        self.assertEqual(standin(self.worker).target_texts[-1], "(agent 7, calm)Press one now.")

    def test_delete_voice_forgets_recording_and_caches(self):
        wav = tone_wav(freq=500.0)
        voice = self.stub.RegisterVoice(pb.RegisterVoiceRequest(wav=wav, transcript="gone soon")).voice_id
        collect(self.stub.Synthesize(pb.SynthesizeRequest(text="Hi.", mode=pb.MODE_CLONE, voice_id=voice)))
        self.assertTrue(self.stub.DeleteVoice(pb.DeleteVoiceRequest(voice_id=voice)).existed)
        self.assertFalse(self.stub.HasVoice(pb.HasVoiceRequest(voice_id=voice)).present)
        self.assertFalse(self.stub.DeleteVoice(pb.DeleteVoiceRequest(voice_id=voice)).existed)
        self.assertFalse(any(p.name.startswith(voice) for p in self.worker.voices.directory.iterdir()))
        self.assertInvalid(lambda: collect(self.stub.Synthesize(pb.SynthesizeRequest(
            text="Hi.", mode=pb.MODE_CLONE, voice_id=voice))), "unknown voice_id")
        builds = standin(self.worker).prompt_cache_builds
        again = self.stub.RegisterVoice(pb.RegisterVoiceRequest(wav=wav, transcript="gone soon")).voice_id
        collect(self.stub.Synthesize(pb.SynthesizeRequest(text="Hi.", mode=pb.MODE_CLONE, voice_id=again)))
        self.assertEqual(standin(self.worker).prompt_cache_builds, builds + 1, "the old cache went with the voice")


class StandInGlobalStateTest(unittest.TestCase):
    def test_manual_seed_resets_the_process_wide_generator(self):
        standin_module.manual_seed(5)
        a = [standin_module._draw() for _ in range(3)]
        standin_module.manual_seed(5)
        self.assertEqual(a, [standin_module._draw() for _ in range(3)])


if __name__ == "__main__":
    unittest.main()
