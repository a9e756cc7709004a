#!/usr/bin/env python3
"""Time to one 512x512 image with diffusers on this machine, for the rows of `sdbot bench --time-to-image`.

    python3 scripts/time-to-image-diffusers.py DIFFUSERS_V0_21_4_CHECKOUT DIFFUSERS_NEWER_CHECKOUT [--rows a,b,c]
        [--threads N]

The same work as the Java bench, on the full-size SD 1.5 architecture with random weights: (a) DPM++ 2M
(DPMSolverMultistepScheduler), 25 steps, CFG 7 (UNet batch 2), AutoencoderKL decode; (b) LCMScheduler, 4 steps,
CFG 1 (batch 1), AutoencoderTiny (TAESD) decode; (c) EulerAncestralDiscreteScheduler with trailing spacing (SD-Turbo's
config), 1 step, CFG 1, TAESD. One untimed UNet call first, torch.no_grad, fp32 on CPU. The text encoder is left
out (transformers is not installed here); the Java bench reports it separately (under a second).

diffusers itself is not installed either: its model and scheduler modules are imported from the checkouts with the
package plumbing (config registration, hub mixins, logging) replaced by small stand-ins, so the network code that
runs is diffusers' own. UNet, VAE and schedulers come from v0.21.4; LCMScheduler (0.22+) from the newer checkout.
"""
import argparse
import importlib.util
import inspect
import logging
import os
import sys
import time
import types

import torch
from torch import nn


class Config(dict):
    __getattr__ = dict.__getitem__


def register_to_config(init):
    def wrapped(self, *args, **kw):
        params = {k: v.default for k, v in inspect.signature(init).parameters.items()
                  if k != "self" and v.default is not inspect.Parameter.empty}
        params.update(kw)
        self.__dict__["config"] = Config(params)  # __init__ reads it (nn.Module.__init__ leaves it alone)
        self.__dict__["register_to_config"] = lambda **more: self.config.update(more)
        init(self, **params)
    return wrapped


class Anything:
    """Stands in for any name the plumbing modules export: callable (as a no-op decorator or function), subclassable."""

    def __init__(self, *a, **k):
        pass

    def __call__(self, *a, **k):
        return a[0] if len(a) == 1 and callable(a[0]) and not k else None

    def __getattr__(self, name):
        return Anything()

    def __iter__(self):
        return iter(())


def stub_module(name, **attrs):
    m = types.ModuleType(name)
    m.__path__ = []
    m.__dict__.update(attrs)
    m.__getattr__ = lambda attr: attrs.get(attr, type(attr, (), {}) if attr[:1].isupper() else Anything())
    sys.modules[name] = m
    return m


def randn_tensor(shape, generator=None, device=None, dtype=None, **_):
    return torch.randn(shape, generator=generator, dtype=dtype)


def install_stubs(src):
    pkg = types.ModuleType("diffusers")
    pkg.__path__ = [src]
    pkg.__version__ = "0.21.4"
    sys.modules["diffusers"] = pkg
    for sub in ("models", "schedulers"):
        m = types.ModuleType("diffusers." + sub)
        m.__path__ = [os.path.join(src, sub)]
        sys.modules["diffusers." + sub] = m
    log = types.SimpleNamespace(get_logger=logging.getLogger)
    common = dict(BaseOutput=object, logging=log, deprecate=lambda *a, **k: None, is_torch_version=lambda *a: True,
                  randn_tensor=randn_tensor, maybe_allow_in_graph=lambda c: c, is_scipy_available=lambda: False,
                  USE_PEFT_BACKEND=False)
    stub_module("diffusers.utils", **common)
    stub_module("diffusers.utils.torch_utils", **common)
    stub_module("diffusers.utils.import_utils", **common)
    stub_module("diffusers.utils.accelerate_utils", apply_forward_hook=lambda f: f)
    stub_module("diffusers.configuration_utils", ConfigMixin=type("ConfigMixin", (), {}),
                register_to_config=register_to_config)
    stub_module("diffusers.loaders")
    stub_module("diffusers.models.modeling_utils", ModelMixin=nn.Module)
    stub_module("diffusers.schedulers.scheduling_utils", SchedulerMixin=type("SchedulerMixin", (), {}),
                KarrasDiffusionSchedulers=[], SchedulerOutput=object)


def load(name, path=None):
    if path is None:
        return importlib.import_module(name)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


SD15_UNET = dict(sample_size=64, in_channels=4, out_channels=4, down_block_types=(
    "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
    up_block_types=("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"),
    block_out_channels=(320, 640, 1280, 1280), layers_per_block=2, cross_attention_dim=768, attention_head_dim=8)
SD15_VAE = dict(in_channels=3, out_channels=3, down_block_types=("DownEncoderBlock2D",) * 4,
                up_block_types=("UpDecoderBlock2D",) * 4, block_out_channels=(128, 256, 512, 512), layers_per_block=2,
                latent_channels=4, sample_size=512)
SCHEDULER = dict(num_train_timesteps=1000, beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear",
                 steps_offset=1)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("diffusers_0_21_4")
    p.add_argument("diffusers_newer")
    p.add_argument("--rows", default="a,b,c")
    p.add_argument("--threads", type=int, default=torch.get_num_threads())
    p.add_argument("--size", type=int, default=512)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    install_stubs(os.path.join(args.diffusers_0_21_4, "src/diffusers"))
    unet_mod = load("diffusers.models.unet_2d_condition")
    kl_mod = load("diffusers.models.autoencoder_kl")
    tiny_mod = load("diffusers.models.autoencoder_tiny")
    dpm = load("diffusers.schedulers.scheduling_dpmsolver_multistep").DPMSolverMultistepScheduler
    euler_a = load("diffusers.schedulers.scheduling_euler_ancestral_discrete").EulerAncestralDiscreteScheduler
    lcm = load("diffusers.schedulers.scheduling_lcm",
               os.path.join(args.diffusers_newer, "src/diffusers/schedulers/scheduling_lcm.py")).LCMScheduler
    torch.manual_seed(1)
    with torch.no_grad():
        unet = unet_mod.UNet2DConditionModel(**SD15_UNET).eval()
        vae = kl_mod.AutoencoderKL(**SD15_VAE).eval()
        tiny = tiny_mod.AutoencoderTiny().eval()
        rows = {
            "a": ("DPM++ 2M", lambda: dpm(**SCHEDULER), 25, 7.0, False),
            "b": ("LCM", lambda: lcm(**SCHEDULER), 4, 1.0, True),
            "c": ("Euler a trailing", lambda: euler_a(timestep_spacing="trailing", **SCHEDULER), 1, 1.0, True),
        }
        h = args.size // 8
        print(f"diffusers 0.21.4 (LCMScheduler: newer checkout), torch {torch.__version__}, {args.threads} thread(s), "
              f"load average {os.getloadavg()[0]:.2f} at start")
        context1 = torch.randn(1, 77, 768)
        unet(torch.randn(1, 4, h, h), 500, encoder_hidden_states=context1, return_dict=False)  # warm-up
        for label in args.rows.split(","):
            name, make, steps, cfg, use_tiny = rows[label]
            guided = cfg > 1
            context = torch.randn(2 if guided else 1, 77, 768)
            t0 = time.perf_counter()
            scheduler = make()
            scheduler.set_timesteps(steps)
            latents = torch.randn(1, 4, h, h) * scheduler.init_noise_sigma
            for t in scheduler.timesteps:
                x = torch.cat([latents] * 2) if guided else latents
                x = scheduler.scale_model_input(x, t)
                eps = unet(x, t, encoder_hidden_states=context, return_dict=False)[0]
                if guided:
                    uncond, cond = eps.chunk(2)
                    eps = uncond + cfg * (cond - uncond)
                latents = scheduler.step(eps, t, latents, return_dict=False)[0]
            t1 = time.perf_counter()
            if use_tiny:
                image = tiny.decode(latents / 1.0, return_dict=False)[0]
            else:
                image = vae.decode(latents / 0.18215, return_dict=False)[0]
            t2 = time.perf_counter()
            print(f"diffusers time-to-image ({label}) {name}, {steps} step(s), CFG {cfg:g} + "
                  f"{'TAESD' if use_tiny else 'full VAE'}, {args.size}x{args.size}: {t2 - t0:.1f} s (UNet {t1 - t0:.1f} s"
                  f" = {(t1 - t0) / steps:.2f} s/step, decode {t2 - t1:.2f} s; no text encoder)", flush=True)
        print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
