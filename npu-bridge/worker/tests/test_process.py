"""The worker and the tools as processes: command line, start-up errors and exit codes, signals."""
import json
import os
import signal
import subprocess
import tempfile
import unittest
from pathlib import Path

import grpc

from support import PYTHON, WORKER_DIR, health_pb, health_pb_grpc, pb, pb_grpc, tone_wav, wait_until
from voxcpm_worker import errors

TOOLS = WORKER_DIR / "tools"
ENV = dict(os.environ, PYTHONPATH=str(WORKER_DIR))


def run(*args, timeout=120):
    return subprocess.run([PYTHON, *map(str, args)], cwd=WORKER_DIR, env=ENV, capture_output=True, text=True,
                          timeout=timeout)


class RunTestsScriptTest(unittest.TestCase):
    def test_missing_packages_skip_outside_ci_and_fail_in_ci(self):
        script = WORKER_DIR / "run_tests.sh"
        env = dict(os.environ, VOXCPM_WORKER_PYTHON="/nonexistent/python3")
        env.pop("CI", None)
        env.pop("VOXCPM_CI", None)  # .ci/run sets it too
        outside = subprocess.run(["/bin/sh", str(script)], env=env, capture_output=True, text=True, timeout=60)
        self.assertEqual(outside.returncode, 0)
        self.assertIn("SKIPPED", outside.stdout)
        inside = subprocess.run(["/bin/sh", str(script)], env=dict(env, CI="true"), capture_output=True, text=True,
                                timeout=60)
        self.assertEqual(inside.returncode, 1)
        self.assertIn("CI must have them", inside.stderr)


class WorkerProcessTest(unittest.TestCase):
    def test_help_documents_devices_and_exit_codes(self):
        result = run("-m", "voxcpm_worker", "--help")
        self.assertEqual(result.returncode, 0)
        self.assertIn("npu:N", result.stdout)
        self.assertIn("exit codes", result.stdout)

    def test_start_up_errors_have_distinct_exit_codes(self):
        with tempfile.TemporaryDirectory() as empty:
            cases = [
                (["--model-dir", "/nonexistent/VoxCPM2"], errors.EXIT_NO_WEIGHTS, "does not exist"),
                ([], errors.EXIT_NO_WEIGHTS, "no model directory"),
                (["--model-dir", empty], errors.EXIT_NO_WEIGHTS, "no config.json"),
                (["--model", "standin", "--device", "tpu"], errors.EXIT_DEVICE_UNAVAILABLE, "unsupported device"),
                (["--instances", "0"], errors.EXIT_USAGE, "--instances"),
                (["--model", "standin", "--enable-denoiser"], errors.EXIT_USAGE, "were removed"),
                (["--model", "standin", "--kv-cache-length", "10"], errors.EXIT_USAGE, "--kv-cache-length"),
            ]
            try:
                import torch_npu  # noqa: F401
            except ImportError:  # the case this machine can show: npu asked for, no Ascend stack
                cases.append((["--model", "standin", "--device", "npu"], errors.EXIT_DEVICE_UNAVAILABLE, "npu"))
            for args, code, message in cases:
                result = run("-m", "voxcpm_worker", "--listen", "127.0.0.1:0", *args)
                self.assertEqual(result.returncode, code, f"{args}: {result.stderr}")
                self.assertIn(message, result.stderr)
                self.assertNotIn("Traceback", result.stderr)

    def test_serves_health_and_synthesis_then_stops_cleanly_on_sigterm(self):
        with tempfile.TemporaryDirectory() as tmp:
            port_file = Path(tmp, "port")
            proc = subprocess.Popen([PYTHON, "-m", "voxcpm_worker", "--model", "standin", "--device", "cpu",
                                     "--listen", "127.0.0.1:0", "--port-file", str(port_file)],
                                    cwd=WORKER_DIR, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            try:
                wait_until(port_file.exists, timeout=30, message="port file")
                channel = grpc.insecure_channel(f"127.0.0.1:{port_file.read_text()}")
                health = health_pb_grpc.HealthStub(channel).Check(health_pb.HealthCheckRequest(), timeout=10)
                self.assertEqual(health.status, health_pb.HealthCheckResponse.SERVING)
                responses = list(pb_grpc.VoxcpmWorkerStub(channel).Synthesize(
                    pb.SynthesizeRequest(text="Hello.", mode=pb.MODE_ZERO_SHOT, request_tag="session-42"), timeout=10))
                self.assertTrue(responses[-1].HasField("summary"))
                channel.close()
                probe = run("-m", "voxcpm_worker.probe", f"127.0.0.1:{port_file.read_text()}")
                self.assertEqual(probe.returncode, 0, probe.stderr)
                self.assertIn("SERVING", probe.stdout)
                proc.send_signal(signal.SIGTERM)
                _, stderr = proc.communicate(timeout=30)
                self.assertEqual(proc.returncode, 0, stderr)
                self.assertIn("[session-42]", stderr, "call logs carry the request tag")
                self.assertIn("TEST DOUBLE", stderr)
                probe = run("-m", "voxcpm_worker.probe", f"127.0.0.1:{port_file.read_text()}")
                self.assertEqual(probe.returncode, 1, "a stopped worker is not healthy")
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.communicate()


class BenchTest(unittest.TestCase):
    def test_bench_prints_ttfc_and_rtf_per_concurrency_level(self):
        with tempfile.TemporaryDirectory() as tmp:
            report = Path(tmp, "bench.json")
            result = run("-m", "voxcpm_worker.bench", "--model", "standin", "--device", "cpu", "--concurrency", "1", "2",
                         "--rounds", "1", "--standin-chunk-delay", "0.01", "--json", report)
            self.assertEqual(result.returncode, 0, result.stderr)
            lines = result.stdout.splitlines()
            self.assertIn("standin-test-double", result.stdout, "the table says it measured the stand-in")
            header = next(i for i, line in enumerate(lines) if "TTFC p50" in line)
            self.assertIn("agg RTF", lines[header])
            self.assertEqual([line.split()[0] for line in lines[header + 1:header + 3]], ["1", "2"])
            rows = json.loads(report.read_text())
            self.assertEqual([r["concurrency"] for r in rows], [1, 2])
            for row in rows:
                self.assertEqual(row["errors"], 0)
                self.assertGreater(row["audio_seconds"], 0)
                self.assertGreater(row["rtf_p50"], 0)
            self.assertLessEqual(rows[0]["ttfc_p50"], rows[1]["ttfc_max"], "the second stream queues behind the first")


class ToolsTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = Path(self.tmp.name)
        self.reference = self.dir / "ref.wav"
        self.reference.write_bytes(tone_wav(seconds=2.0))

    def tearDown(self):
        self.tmp.cleanup()

    def test_inference_writes_all_four_modes_and_they_pass_check_audio(self):
        result = run(TOOLS / "inference.py", "--model", "standin", "--device", "cpu", "--mode", "all",
                     "--text", "Thank you for calling. How can I help you today?", "--description", "a calm voice",
                     "--reference", self.reference, "--transcript", "a two second tone", "--out-dir", self.dir / "out")
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = [json.loads(line) for line in result.stdout.splitlines()]
        self.assertEqual([l["mode"] for l in lines], ["zero-shot", "design", "clone", "ultimate-clone"])
        contents = set()
        for line in lines:
            self.assertEqual(line["sample_rate"], 48000)
            check = run(TOOLS / "check_audio.py", line["wav"])
            self.assertEqual(check.returncode, 0, check.stdout)
            self.assertEqual(json.loads(check.stdout)["result"], "PASS")
            contents.add(Path(line["wav"]).read_bytes())
        self.assertEqual(len(contents), 4, "each mode gives different audio")

    def test_inference_refuses_ultimate_clone_with_description(self):
        result = run(TOOLS / "inference.py", "--model", "standin", "--device", "cpu", "--mode", "ultimate-clone",
                     "--text", "Hi.", "--description", "cheerful", "--reference", self.reference,
                     "--transcript", "tone", "--out", self.dir / "x.wav")
        self.assertEqual(result.returncode, 1)
        self.assertIn("does not take a description", result.stdout)
        self.assertFalse((self.dir / "x.wav").exists())

    def test_check_audio_fails_wrong_rate_silence_and_clipping(self):
        import numpy as np
        from voxcpm_worker.offline import write_wav
        t = np.arange(48000) / 48000
        write_wav(self.dir / "silent.wav", np.zeros(48000), 48000)
        write_wav(self.dir / "clipped.wav", 1.5 * np.sin(2 * np.pi * 200 * t), 48000)
        cases = {"ref.wav": "sample_rate", "silent.wav": "rms", "clipped.wav": "clipping"}
        for name, failed in cases.items():
            result = run(TOOLS / "check_audio.py", self.dir / name)
            report = json.loads(result.stdout)
            self.assertEqual(result.returncode, 1, name)
            self.assertEqual(report["result"], "FAIL")
            self.assertEqual(report["checks"][failed], "fail", name)
        self.assertEqual(run(TOOLS / "check_audio.py", self.dir / "missing.wav").returncode, 2)

    def test_accuracy_run_compares_modules_and_keeps_audio_as_listening_samples(self):
        report_path = self.dir / "accuracy.json"
        ok = run(TOOLS / "accuracy_run.py", "--model", "standin", "--device", "cpu", "--text", "One two three.",
                 "--text", "Four five six seven.", "--samples-dir", self.dir / "samples", "--report", report_path)
        self.assertEqual(ok.returncode, 0, ok.stderr)
        report = json.loads(report_path.read_text())
        self.assertTrue(report["pass"])
        self.assertTrue(report["residency_complete"])
        self.assertEqual(report["parameters_on_device"], report["parameters_total"])
        self.assertEqual([m["name"] for m in report["modules"]], ["lm_prefill", "locdit_step", "vae_decode"])
        self.assertTrue(all(m["relative_l2"] == 0.0 and m["pass"] for m in report["modules"]))
        self.assertEqual(len(report["texts"]), 2)
        self.assertTrue(all(r["rtf"] >= 0 and Path(r["sample"]).is_file() for r in report["texts"]))
        self.assertNotIn("relative_l2", report["texts"][0], "end-to-end audio is not compared")

    def test_accuracy_run_fails_a_perturbed_device_and_tolerances_are_settable(self):
        bad = run(TOOLS / "accuracy_run.py", "--model", "standin", "--device", "cpu", "--text", "One two three.",
                  "--standin-perturbation", "0.05")
        self.assertEqual(bad.returncode, 1)
        modules = {m["name"]: m for m in json.loads(bad.stdout)["modules"]}
        self.assertFalse(modules["vae_decode"]["pass"])
        self.assertGreater(modules["vae_decode"]["relative_l2"], 0.01)
        loose = run(TOOLS / "accuracy_run.py", "--model", "standin", "--device", "cpu", "--text", "One.",
                    "--standin-perturbation", "0.05", "--tolerance", "lm_prefill=0.5", "--tolerance", "locdit_step=0.5",
                    "--tolerance", "vae_decode=0.5")
        self.assertEqual(loose.returncode, 0, loose.stdout)
        self.assertEqual(run(TOOLS / "accuracy_run.py", "--model", "standin", "--tolerance", "nope=1").returncode, 2)

if __name__ == "__main__":
    unittest.main()
