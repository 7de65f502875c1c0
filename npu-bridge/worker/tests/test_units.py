"""The planner and the scheduler on their own: plain values in, no gRPC, no model."""
import threading
import time
import unittest

from support import tone_wav, wait_until  # noqa: F401 (support puts the worker package on the path)
from voxcpm_worker import modes
from voxcpm_worker.modes import Defaults, InlineReference, InvalidRequest, SynthesisInput
from voxcpm_worker.scheduler import Cancelled, DeadlineExpired, QueueFull, Scheduler
from voxcpm_worker.voices import REF_CONTINUATION, REFERENCE, Voice

VOICE = Voice("v-1", "/voices/v-1.wav", "exact words", "ab" * 32)
UNTRANSCRIBED = Voice("v-2", "/voices/v-2.wav", "", "cd" * 32)
VOICES = {v.voice_id: v for v in (VOICE, UNTRANSCRIBED)}


def plan(**fields):
    fields.setdefault("text", "Hello there.")
    return modes.plan(SynthesisInput(**fields), VOICES.get, Defaults(kv_cache_length=2048, max_length=1000))


class PlannerTest(unittest.TestCase):
    def test_each_mode_maps_to_its_prefix_and_cache(self):
        cases = [
            (dict(mode=modes.ZERO_SHOT), "", None, None),
            (dict(mode=modes.DESIGN, description=" a calm (deep)  voice "), "(a calm deep voice)", None, None),
            (dict(mode=modes.CLONE, voice_id="v-2"), "", REFERENCE, UNTRANSCRIBED),
            (dict(mode=modes.CLONE, voice_id="v-1", description="whispering"), "(whispering)", REFERENCE, VOICE),
            (dict(mode=modes.ULTIMATE_CLONE, voice_id="v-1"), "", REF_CONTINUATION, VOICE),
        ]
        for fields, prefix, kind, voice in cases:
            with self.subTest(fields):
                p = plan(**fields)
                self.assertEqual(p.prefix, prefix)
                self.assertEqual(p.cache_kind, kind)
                self.assertIs(p.voice, voice)
                self.assertEqual(p.target_text, prefix + "Hello there.")

    def test_whitespace_is_collapsed_and_defaults_fill_zeroes(self):
        p = plan(mode=modes.ZERO_SHOT, text=" Hello\n\n  there. ", seed=9)
        self.assertEqual(p.text, "Hello there.")
        self.assertEqual((p.cfg_value, p.inference_timesteps, p.max_length, p.seed), (2.0, 10, 1000, 9))
        p = plan(mode=modes.ZERO_SHOT, cfg_value=1.5, inference_timesteps=4, max_length=12)
        self.assertEqual((p.cfg_value, p.inference_timesteps, p.max_length), (1.5, 4, 12))

    def test_inline_reference_keeps_its_transcript(self):
        p = plan(mode=modes.ULTIMATE_CLONE, inline=InlineReference(tone_wav(), " spoken words "))
        self.assertEqual(p.transcript, "spoken words")
        self.assertEqual(p.cache_kind, REF_CONTINUATION)

    def test_refusals_say_why(self):
        cases = [
            (dict(mode=None), "mode is required"),
            (dict(mode=modes.ZERO_SHOT, text=" \n"), "text is empty"),
            (dict(mode=modes.ZERO_SHOT, description="calm"), "takes no description"),
            (dict(mode=modes.DESIGN, description="()"), "needs a voice description"),
            (dict(mode=modes.DESIGN, description="calm", voice_id="v-1"), "takes no reference"),
            (dict(mode=modes.CLONE), "needs a voice_id or an inline_reference"),
            (dict(mode=modes.CLONE, voice_id="v-9"), "unknown voice_id"),
            (dict(mode=modes.ULTIMATE_CLONE, voice_id="v-2"), "needs the exact transcript"),
            (dict(mode=modes.ULTIMATE_CLONE, voice_id="v-1", description="x"), "does not take a description"),
            (dict(mode=modes.CLONE, inline=InlineReference(b"junk")), "not a readable PCM WAV"),
            (dict(mode=modes.CLONE, inline=InlineReference(tone_wav(seconds=0.5))), "1-30 s"),
            (dict(mode=modes.ZERO_SHOT, cfg_value=-1), "must not be negative"),
            (dict(mode=modes.ZERO_SHOT, inference_timesteps=101), "inference_timesteps above 100"),
            (dict(mode=modes.ZERO_SHOT, max_length=2049), "KV cache of 2048"),
        ]
        for fields, message in cases:
            with self.subTest(fields):
                with self.assertRaises(InvalidRequest) as caught:
                    plan(**fields)
                self.assertIn(message, str(caught.exception))


class _Instance:
    def __init__(self, index):
        self.index = index


class SchedulerTest(unittest.TestCase):
    def setUp(self):
        self.scheduler = Scheduler([_Instance(0), _Instance(1)], capacity=2)

    def acquire_in_thread(self, results, deadline=None, cancelled=lambda: False):
        def run():
            try:
                results.append(self.scheduler.acquire(deadline, cancelled))
            except Exception as exc:  # noqa: BLE001 - the test inspects it
                results.append(exc)
        t = threading.Thread(target=run)
        t.start()
        return t

    def test_free_instances_go_first_then_callers_wait_in_arrival_order(self):
        a, queued = self.scheduler.acquire(None, lambda: False)
        b, _ = self.scheduler.acquire(None, lambda: False)
        self.assertEqual((a.index, b.index, queued), (0, 1, 0.0))
        first, second = [], []
        t1 = self.acquire_in_thread(first)
        wait_until(lambda: self.scheduler.queue_depth == 1)
        t2 = self.acquire_in_thread(second)
        wait_until(lambda: self.scheduler.queue_depth == 2)
        with self.assertRaises(QueueFull):
            self.scheduler.acquire(None, lambda: False)
        self.scheduler.release(b)
        t1.join(5)
        self.assertIs(first[0][0], b, "the first waiter gets the first instance freed")
        self.assertGreater(first[0][1], 0.0)
        self.assertEqual(second, [], "the second still waits")
        self.scheduler.release(a)
        t2.join(5)
        self.assertIs(second[0][0], a)
        self.assertEqual((self.scheduler.queue_depth, self.scheduler.busy), (0, 2))

    def test_a_waiter_leaves_the_queue_on_its_deadline_or_cancellation(self):
        held = [self.scheduler.acquire(None, lambda: False)[0] for _ in range(2)]
        results = []
        self.acquire_in_thread(results, deadline=time.monotonic() + 0.2).join(5)
        self.assertIsInstance(results[0], DeadlineExpired)
        cancel = threading.Event()
        t = self.acquire_in_thread(results, cancelled=cancel.is_set)
        wait_until(lambda: self.scheduler.queue_depth == 1)
        cancel.set()
        self.scheduler.wake()
        t.join(5)
        self.assertIsInstance(results[1], Cancelled)
        self.assertEqual(self.scheduler.queue_depth, 0)
        self.scheduler.release(held[0])
        self.assertIs(self.scheduler.acquire(None, lambda: False)[0], held[0])


if __name__ == "__main__":
    unittest.main()
