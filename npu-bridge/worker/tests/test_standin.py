"""The stand-in model's timing knobs: what a latency benchmark against it relies on."""
import unittest
from unittest import mock

import support  # noqa: F401  (puts the worker on sys.path)
from voxcpm_worker import standin
from voxcpm_worker.__main__ import parse_args
from voxcpm_worker.model import LoadOptions, load


def slept_per_chunk(options: LoadOptions) -> list:
    loaded = load(options)
    sleeps = []
    with mock.patch.object(standin.time, "sleep", sleeps.append):
        chunks = list(loaded.tts.generate_streaming("Thank you for calling. Please hold."))
    assert len(chunks) == len(sleeps), (len(chunks), sleeps)
    return sleeps


class StandInTimingTest(unittest.TestCase):
    def test_the_first_chunk_can_cost_more_than_the_rest_as_prefill_does(self):
        args = parse_args(["--model", "standin", "--device", "cpu", "--standin-chunk-delay", "0.05",
                           "--standin-first-chunk-delay", "0.2"])
        sleeps = slept_per_chunk(LoadOptions(model="standin", device="cpu",
                                             standin_chunk_delay=args.standin_chunk_delay,
                                             standin_first_chunk_delay=args.standin_first_chunk_delay))
        self.assertEqual(sleeps[0], 0.2)
        self.assertEqual(set(sleeps[1:]), {0.05})
        self.assertGreater(len(sleeps), 2)

    def test_without_it_every_chunk_costs_the_chunk_delay(self):
        args = parse_args(["--model", "standin", "--standin-chunk-delay", "0.03"])
        self.assertIsNone(args.standin_first_chunk_delay)
        sleeps = slept_per_chunk(LoadOptions(model="standin", device="cpu", standin_chunk_delay=0.03))
        self.assertEqual(set(sleeps), {0.03})


if __name__ == "__main__":
    unittest.main()
