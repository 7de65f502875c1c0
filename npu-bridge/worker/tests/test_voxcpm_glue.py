"""The glue around the real voxcpm that this machine cannot load (no torch, no weights), exercised with
fake modules shaped like voxcpm 2.0.3's: seeding, the progress bar, the KV cache length."""
import sys
import types
import unittest
from unittest import mock

import support  # noqa: F401 (puts the worker package on the path)
from voxcpm_worker import model, seeding


class FakeDevice:
    def __init__(self, available):
        self.available = available
        self.seeds = []

    def is_available(self):
        return self.available

    def manual_seed_all(self, seed):
        self.seeds.append(seed)


class TorchSeederTest(unittest.TestCase):
    def test_seeds_cpu_and_every_available_accelerator(self):
        seeds = []
        torch = types.SimpleNamespace(manual_seed=seeds.append, cuda=FakeDevice(False), npu=FakeDevice(True))
        seeding.torch_seeder(torch)(1234)
        self.assertEqual(seeds, [1234])
        self.assertEqual(torch.npu.seeds, [1234])
        self.assertEqual(torch.cuda.seeds, [], "no CUDA device, no CUDA seeding")
        torch = types.SimpleNamespace(manual_seed=seeds.append, cuda=FakeDevice(True))
        seeding.torch_seeder(torch)(7)
        self.assertEqual(torch.cuda.seeds, [7])


class FakeTts:
    """voxcpm 2.0.3's signature: no seed."""

    def __init__(self):
        self.calls = []

    def _generate_with_prompt_cache(self, target_text, prompt_cache=None, min_len=2, max_len=2000,
                                    inference_timesteps=10, cfg_value=2.0, retry_badcase=False,
                                    retry_badcase_max_times=3, retry_badcase_ratio_threshold=6.0,
                                    streaming=False, streaming_prefix_len=4):
        self.calls.append(dict(target_text=target_text, max_len=max_len))
        yield [0.0] * 4

    def generate_with_prompt_cache_streaming(self, **kwargs):
        return self._generate_with_prompt_cache(streaming=True, **kwargs)


class LoadedModelSeedTest(unittest.TestCase):
    def test_on_203_the_generators_are_seeded_before_the_generation_starts(self):
        order = []
        tts = FakeTts()
        loaded = model.LoadedModel(tts, "npu:0", "bfloat16", "voxcpm2 (fake)", 48000,
                                   seeder=lambda seed: order.append(("seed", seed, len(tts.calls))))
        self.assertFalse(loaded.accepts_seed)
        list(loaded.stream("Hi.", None, 2.0, 10, 100, 42))
        self.assertEqual(order, [("seed", 42, 0)], "seeded once, before voxcpm was called")
        self.assertEqual(loaded.seeded_by, "generators")
        list(loaded.stream("Hi.", None, 2.0, 10, 100, 0))
        self.assertEqual(len(order), 1, "seed 0 means unseeded")


class ProgressBarAndKvCacheTest(unittest.TestCase):
    def test_the_progress_bar_is_replaced_by_the_plain_iterable(self):
        fake = types.ModuleType("voxcpm.model.voxcpm2")
        fake.tqdm = lambda iterable, *a, **k: (_ for _ in ()).throw(AssertionError("progress bar drawn"))
        with mock.patch.dict(sys.modules, {"voxcpm.model.voxcpm2": fake}):
            model._silence_progress_bars()
            self.assertEqual(list(fake.tqdm(range(3))), [0, 1, 2])

    def test_the_kv_cache_length_is_set_while_the_model_is_built_and_only_then(self):
        class VoxCPM2Model:
            def __init__(self, config, tokenizer=None):
                self.cache_positions = config.max_length

        fake = types.ModuleType("voxcpm.model.voxcpm2")
        fake.VoxCPM2Model = VoxCPM2Model
        original = VoxCPM2Model.__init__
        with mock.patch.dict(sys.modules, {"voxcpm.model.voxcpm2": fake}):
            with model._KvCacheLength(2048):
                built = VoxCPM2Model(types.SimpleNamespace(max_length=8192))
            self.assertEqual(built.cache_positions, 2048)
            self.assertIs(VoxCPM2Model.__init__, original, "restored after loading")
            with model._KvCacheLength(None):
                self.assertEqual(VoxCPM2Model(types.SimpleNamespace(max_length=8192)).cache_positions, 8192)


if __name__ == "__main__":
    unittest.main()
