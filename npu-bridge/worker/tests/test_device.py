"""Device resolution and the voxcpm npu patch, with a fake torch (no torch exists here)."""
import importlib.abc
import importlib.util
import json
import os
import sys
import tempfile
import types
import unittest
from pathlib import Path
from types import SimpleNamespace

import support  # noqa: F401  (puts the worker on sys.path)
from voxcpm_worker import device as devices
from voxcpm_worker import model as models
from voxcpm_worker.errors import (EXIT_DEVICE_UNAVAILABLE, EXIT_NO_WEIGHTS, EXIT_OUT_OF_MEMORY, EXIT_RESIDENCY,
                                  StartupError)


def fake_torch(npu=0, cuda=0):
    torch = types.ModuleType("torch")
    torch.cuda = SimpleNamespace(is_available=lambda: cuda > 0, device_count=lambda: cuda, set_device=lambda i: calls.append(("cuda", i)))
    if npu is not None:
        torch.npu = SimpleNamespace(is_available=lambda: npu > 0, device_count=lambda: npu,
                                    set_device=lambda d: calls.append(("npu", d)))
    return torch


calls = []


def voxcpm_original(device, configured_device="cuda"):
    """Behaves like voxcpm 2.0.3's resolve_runtime_device: no npu."""
    if device in (None, "auto"):
        return "cpu"
    if device == "cpu" or device.startswith("cuda"):
        return device
    raise ValueError(f"Unsupported device '{device}'")


class DeviceSpecTest(unittest.TestCase):
    def test_parse(self):
        self.assertEqual(str(devices.DeviceSpec.parse("npu")), "npu")
        self.assertEqual(devices.DeviceSpec.parse("NPU:3"), devices.DeviceSpec("npu", 3))
        self.assertEqual(devices.DeviceSpec.parse("cuda:1"), devices.DeviceSpec("cuda", 1))
        self.assertEqual(devices.DeviceSpec.parse(""), devices.DeviceSpec("auto"))
        for bad in ("tpu", "npu:x", "cpu:1", "mps"):
            with self.assertRaises(StartupError) as caught:
                devices.DeviceSpec.parse(bad)
            self.assertEqual(caught.exception.exit_code, EXIT_DEVICE_UNAVAILABLE)

    def test_resolve(self):
        parse = devices.DeviceSpec.parse
        self.assertEqual(devices.resolve(parse("npu"), fake_torch(npu=2)), "npu")
        self.assertEqual(devices.resolve(parse("npu:1"), fake_torch(npu=2)), "npu:1")
        self.assertEqual(devices.resolve(parse("auto"), fake_torch(npu=1, cuda=1)), "npu:0")
        self.assertEqual(devices.resolve(parse("auto"), fake_torch(npu=None, cuda=1)), "cuda")
        self.assertEqual(devices.resolve(parse("auto"), fake_torch(npu=0)), "cpu")
        self.assertEqual(devices.resolve(parse("cuda:1"), fake_torch(cuda=2)), "cuda:1")
        for spec, torch in (("npu:2", fake_torch(npu=2)), ("npu", fake_torch(npu=0)), ("npu", fake_torch(npu=None)),
                            ("cuda", fake_torch(cuda=0))):
            with self.assertRaises(StartupError, msg=spec):
                devices.resolve(parse(spec), torch)

    def test_alloc_conf_set_for_npu_and_auto_only_and_operator_value_kept(self):
        env = {}
        devices.prepare_environment(devices.DeviceSpec("npu", 0), env)
        self.assertEqual(env["PYTORCH_NPU_ALLOC_CONF"], "expandable_segments:True")
        env = {"PYTORCH_NPU_ALLOC_CONF": "max_split_size_mb:128"}
        devices.prepare_environment(devices.DeviceSpec("auto"), env)
        self.assertEqual(env["PYTORCH_NPU_ALLOC_CONF"], "max_split_size_mb:128")
        env = {}
        devices.prepare_environment(devices.DeviceSpec("cuda"), env)
        self.assertNotIn("PYTORCH_NPU_ALLOC_CONF", env)

    def test_import_torch_requires_torch_npu_only_for_npu(self):
        torch = fake_torch(npu=1)

        def importer(name):
            if name == "torch":
                return torch
            raise ImportError(f"No module named '{name}'")

        with self.assertRaises(StartupError) as caught:
            devices.import_torch(devices.DeviceSpec("npu"), importer)
        self.assertEqual(caught.exception.exit_code, EXIT_DEVICE_UNAVAILABLE)
        self.assertIn("torch_npu", str(caught.exception))
        self.assertIs(devices.import_torch(devices.DeviceSpec("auto"), importer), torch)
        self.assertIs(devices.import_torch(devices.DeviceSpec("cuda"), importer), torch)

    def test_patch_replaces_the_function_in_every_module_that_imported_it(self):
        utils = SimpleNamespace(resolve_runtime_device=voxcpm_original)
        v2 = SimpleNamespace(resolve_runtime_device=voxcpm_original)
        v1 = SimpleNamespace()  # a layout without the name: skipped
        torch = fake_torch(npu=2)
        patched = devices.patch_voxcpm(torch, {"voxcpm.model.utils": utils, "voxcpm.model.voxcpm2": v2,
                                               "voxcpm.model.voxcpm": v1})
        self.assertEqual(patched, ["voxcpm.model.utils", "voxcpm.model.voxcpm2"])
        self.assertEqual(v2.resolve_runtime_device("npu:1"), "npu:1")
        self.assertEqual(v2.resolve_runtime_device("auto"), "npu:0")
        self.assertEqual(v2.resolve_runtime_device("cuda:0"), "cuda:0")  # delegated
        with self.assertRaises(StartupError):
            v2.resolve_runtime_device("npu:5")
        before = v2.resolve_runtime_device
        devices.patch_voxcpm(torch, {"voxcpm.model.voxcpm2": v2})
        self.assertIs(v2.resolve_runtime_device, before, "patching twice does not stack wrappers")
        self.assertIs(before.__wrapped__, voxcpm_original)


class _TorchNpuFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Makes "import torch_npu" succeed and records the allocator setting it would see at load."""

    def __init__(self):
        self.seen_alloc_conf = []

    def find_spec(self, name, path, target=None):
        return importlib.util.spec_from_loader(name, self) if name == "torch_npu" else None

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        self.seen_alloc_conf.append(os.environ.get("PYTORCH_NPU_ALLOC_CONF"))


class LoadVoxcpmWithFakesTest(unittest.TestCase):
    """The real loading path (model._load_voxcpm) against fake torch / torch_npu / voxcpm modules."""

    def setUp(self):
        self.saved_modules = dict(sys.modules)
        self.saved_env = os.environ.get("PYTORCH_NPU_ALLOC_CONF")
        os.environ.pop("PYTORCH_NPU_ALLOC_CONF", None)
        self.finder = _TorchNpuFinder()
        sys.meta_path.insert(0, self.finder)
        self.dir = tempfile.TemporaryDirectory()
        Path(self.dir.name, "config.json").write_text(json.dumps({"architecture": "voxcpm2"}))
        Path(self.dir.name, "model.safetensors").write_bytes(b"weights")
        self.kwargs = None
        self.fail = None
        self.misplaced = 0
        calls.clear()

    def tearDown(self):
        sys.meta_path.remove(self.finder)
        sys.modules.clear()
        sys.modules.update(self.saved_modules)
        if self.saved_env is None:
            os.environ.pop("PYTORCH_NPU_ALLOC_CONF", None)
        else:
            os.environ["PYTORCH_NPU_ALLOC_CONF"] = self.saved_env
        self.dir.cleanup()

    def install(self, torch):
        test = self
        utils = types.ModuleType("voxcpm.model.utils")
        utils.resolve_runtime_device = voxcpm_original
        v2 = types.ModuleType("voxcpm.model.voxcpm2")
        v2.resolve_runtime_device = voxcpm_original  # imported by name, as voxcpm2.py does

        class VoxCPM:
            @classmethod
            def from_pretrained(cls, path, **kwargs):
                test.kwargs = kwargs
                if test.fail:
                    raise test.fail
                # What VoxCPM2Model.__init__ does with the device argument:
                device = sys.modules["voxcpm.model.voxcpm2"].resolve_runtime_device(kwargs["device"], "cuda")
                from voxcpm_worker.standin import StandInVoxCPM
                if device == "cuda":  # torch places "cuda" tensors on the current device
                    device = "cuda:%d" % ([i for kind, i in calls if kind == "cuda"] or [0])[-1]
                tts = StandInVoxCPM(device=device, misplaced_parameters=test.misplaced)
                tts.config = SimpleNamespace(dtype="bfloat16")
                return SimpleNamespace(tts_model=tts)

        voxcpm = types.ModuleType("voxcpm")
        voxcpm.VoxCPM = VoxCPM
        sys.modules.update({"torch": torch, "voxcpm": voxcpm, "voxcpm.model": types.ModuleType("voxcpm.model"),
                            "voxcpm.model.utils": utils, "voxcpm.model.voxcpm2": v2})
        sys.modules.pop("torch_npu", None)

    def load(self, device):
        return models.load(models.LoadOptions(model="voxcpm2", model_dir=self.dir.name, device=device))

    def test_npu_load_patches_voxcpm_sets_alloc_conf_first_and_skips_compile(self):
        self.install(fake_torch(npu=1))
        loaded = self.load("npu")
        self.assertEqual(self.finder.seen_alloc_conf, ["expandable_segments:True"])
        self.assertEqual(loaded.device, "npu")
        self.assertEqual(self.kwargs["device"], "npu")
        self.assertFalse(self.kwargs["optimize"], "torch.compile is CUDA-only")
        self.assertFalse(self.kwargs["load_denoiser"])
        self.assertTrue(self.kwargs["local_files_only"])
        self.assertEqual(loaded.dtype, "bfloat16")
        self.assertTrue(all(r.complete for r in loaded.residency))
        self.assertIn(("npu", "npu"), calls)

    def test_indexed_cuda_is_selected_and_passed_as_cuda_so_compile_stays_on(self):
        self.install(fake_torch(npu=None, cuda=2))
        loaded = self.load("cuda:1")
        self.assertEqual(loaded.device, "cuda:1")
        self.assertEqual(self.kwargs["device"], "cuda")
        self.assertTrue(self.kwargs["optimize"])
        self.assertIn(("cuda", 1), calls)

    def test_out_of_memory_while_loading_has_its_exit_code(self):
        self.install(fake_torch(npu=1))
        self.fail = RuntimeError("NPU out of memory. Tried to allocate 2.00 GiB")
        with self.assertRaises(StartupError) as caught:
            self.load("npu:0")
        self.assertEqual(caught.exception.exit_code, EXIT_OUT_OF_MEMORY)

    def test_parameters_left_off_the_device_fail_residency(self):
        self.install(fake_torch(npu=1))
        self.misplaced = 1234
        with self.assertRaises(StartupError) as caught:
            self.load("npu:0")
        self.assertEqual(caught.exception.exit_code, EXIT_RESIDENCY)
        self.assertIn("base_lm: 998,766/1,000,000 on npu:0", str(caught.exception))

    def test_model_dir_without_weights(self):
        Path(self.dir.name, "model.safetensors").unlink()
        with self.assertRaises(StartupError) as caught:
            self.load("cpu")
        self.assertEqual(caught.exception.exit_code, EXIT_NO_WEIGHTS)


if __name__ == "__main__":
    unittest.main()
