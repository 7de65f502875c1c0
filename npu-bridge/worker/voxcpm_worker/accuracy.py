"""Per-module comparison of a device model against a reference model on identical inputs.

A waveform comparison between a bf16 accelerator run and a CPU run of an autoregressive diffusion model
fails on healthy hardware: tiny arithmetic differences change a sampled patch, every later step
conditions on it, and the two runs drift into different (equally good) utterances of different
lengths. What can be compared is each module on the same inputs:

  lm_prefill    the text-semantic LM (base_lm) over the same input embeddings: last hidden state
  locdit_step   one decoder step: the LocDiT flow-matching solve (CFG, all Euler steps) from the same
                noise, hidden state and condition patch (voxcpm draws that noise itself; here it is fixed)
  vae_decode    the audio VAE decoding the same latents (encoded once on the reference from a
                voiced test signal) to 48 kHz audio

Inputs are drawn on the CPU from a seeded generator in float32 and cast to each model's dtype and
device. Each check passes below its relative-L2 tolerance. End-to-end audio stays a listening sample.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict

import numpy as np

#: Starting points for bf16 LM/LocDiT against a bf16 CPU reference and an fp32 VAE; every value is
#: printed, so a deployment can tighten them from its own measurements.
TOLERANCES = {"lm_prefill": 0.02, "locdit_step": 0.05, "vae_decode": 0.01}


@dataclass(frozen=True)
class Check:
    name: str
    relative_l2: float
    tolerance: float
    shape: tuple

    @property
    def passed(self) -> bool:
        return self.relative_l2 < self.tolerance


def relative_l2(got: np.ndarray, want: np.ndarray) -> float:
    if got.shape != want.shape:
        return float("inf")
    reference = float(np.linalg.norm(want))
    return float(np.linalg.norm(got - want)) / reference if reference else float("inf")


def compare(device_model, reference_model, seed: int, tolerances: Dict[str, float] = TOLERANCES) -> list:
    """Runs every module probe on both models with the same inputs."""
    device_probes = probes(device_model)
    reference_probes = probes(reference_model)
    shared = reference_probes.shared_inputs(seed)
    checks = []
    for name in TOLERANCES:
        want = reference_probes.run(name, shared)
        got = device_probes.run(name, shared)
        checks.append(Check(name, relative_l2(got, want), tolerances.get(name, TOLERANCES[name]), tuple(want.shape)))
    return checks


def probes(model):
    tts = model.tts
    if hasattr(tts, "module_outputs"):  # the stand-in (TEST DOUBLE)
        return _StandInProbes(tts)
    return _VoxcpmProbes(tts, model.device)


class _StandInProbes:
    def __init__(self, tts):
        self.tts = tts

    def shared_inputs(self, seed: int):
        return seed

    def run(self, name: str, seed) -> np.ndarray:
        return self.tts.module_outputs(seed)[name]


class _VoxcpmProbes:
    """voxcpm 2.0.3's VoxCPM2Model: base_lm, feat_decoder (UnifiedCFM + LocDiT) and audio_vae."""

    def __init__(self, tts, device: str):
        import torch
        self.torch = torch
        self.tts = tts
        self.device = device
        self.dtype = next(tts.base_lm.parameters()).dtype

    def shared_inputs(self, seed: int) -> dict:
        torch, tts = self.torch, self.tts
        g = torch.Generator().manual_seed(seed)
        hidden = tts.config.lm_config.hidden_size
        mu_dim = tts.lm_to_dit_proj.out_features + tts.res_to_dit_proj.out_features
        channels = tts.feat_decoder.in_channels
        t = torch.arange(16000 * 2) / 16000.0
        voiced = 0.3 * torch.sin(2 * torch.pi * 150 * t) * (0.6 + 0.4 * torch.sin(2 * torch.pi * 3 * t))
        with torch.inference_mode():
            vae = tts.audio_vae
            latents = vae.encode(vae.preprocess(voiced.view(1, -1).to(next(vae.parameters()).device),
                                                tts._encode_sample_rate), tts._encode_sample_rate).float().cpu()
        return {"embeds": 0.02 * torch.randn((1, 48, hidden), generator=g),
                "z": torch.randn((1, channels, tts.patch_size), generator=g),
                "mu": torch.randn((1, mu_dim), generator=g),
                "cond": torch.randn((1, channels, tts.patch_size), generator=g),
                "latents": latents}

    def run(self, name: str, inputs: dict) -> np.ndarray:
        torch, tts = self.torch, self.tts
        on = lambda x, dtype=None: x.to(device=self.device, dtype=dtype or self.dtype)  # noqa: E731
        with torch.inference_mode():
            if name == "lm_prefill":
                out, _ = tts.base_lm(inputs_embeds=on(inputs["embeds"]), is_causal=True)
                result = out[:, -1, :]
            elif name == "locdit_step":
                cfm = tts.feat_decoder
                steps = 10
                t_span = torch.linspace(1, 0, steps + 1, device=self.device, dtype=self.dtype)
                t_span = t_span + 1.0 * (torch.cos(torch.pi / 2 * t_span) - 1 + t_span)
                result = cfm.solve_euler(x=on(inputs["z"]), t_span=t_span, mu=on(inputs["mu"]),
                                         cond=on(inputs["cond"]), cfg_value=2.0, use_cfg_zero_star=True)
            elif name == "vae_decode":
                result = tts.audio_vae.decode(on(inputs["latents"], torch.float32))
            else:
                raise KeyError(name)
        return result.float().cpu().numpy()

