#!/usr/bin/env python3
"""diffusers' UNet step on a GPU, beside `sdbot bench --arch sd15 --width 512 --height 512 --device cuda:0
--precision fp16` (scripts/gpu-check's diffusers stage).

    python3 scripts/gpu-unet-diffusers.py DIFFUSERS_V0_21_4_CHECKOUT [DEVICE] [--steps N] [--size PX]

diffusers 0.21.4's own UNet2DConditionModel with the full SD 1.5 shape (random weights, nothing downloaded), fp16,
CFG batch 2, one timestep, torch.no_grad; one untimed call, then the mean of N calls, each clocked after
torch.cuda.synchronize(). diffusers need not be installed: the checkout's models/ are imported with the package
plumbing stubbed, as scripts/time-to-image-diffusers.py does (its stubs and SD15_UNET are reused here).
"""
import argparse
import contextlib
import importlib.util
import os
import time

import torch


def time_to_image_module():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "time-to-image-diffusers.py")
    spec = importlib.util.spec_from_file_location("time_to_image_diffusers", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    p = argparse.ArgumentParser()
    p.add_argument("diffusers_0_21_4")
    p.add_argument("device", nargs="?", default="cuda:0")
    p.add_argument("--steps", type=int, default=25)
    p.add_argument("--size", type=int, default=512)
    args = p.parse_args()
    tti = time_to_image_module()
    tti.install_stubs(os.path.join(args.diffusers_0_21_4, "src/diffusers"))
    unet_mod = tti.load("diffusers.models.unet_2d_condition")
    dev = torch.device(args.device)
    dtype = torch.float16 if dev.type == "cuda" else torch.float32  # CPU half is not what is compared
    sync = torch.cuda.synchronize if dev.type == "cuda" else (lambda: None)
    torch.manual_seed(1)
    h = args.size // 8
    # random init on the device itself where torch can (2.0+): on the CPU it takes longer than the timed steps
    placement = dev if hasattr(torch.device, "__enter__") else contextlib.nullcontext()
    with torch.no_grad():
        with placement:
            unet = unet_mod.UNet2DConditionModel(**tti.SD15_UNET)
        unet = unet.to(dev, dtype).eval()
        x = torch.randn(2, 4, h, h, device=dev, dtype=dtype)
        context = torch.randn(2, 77, 768, device=dev, dtype=dtype)
        t = torch.tensor([500.0], device=dev)
        unet(x, t, encoder_hidden_states=context, return_dict=False)
        sync()
        times = []
        for _ in range(args.steps):
            t0 = time.perf_counter()
            unet(x, t, encoder_hidden_states=context, return_dict=False)
            sync()
            times.append(time.perf_counter() - t0)
    peak = torch.cuda.max_memory_allocated(dev) / 2**20 if dev.type == "cuda" else float("nan")
    print(f"UNet step {sum(times) / len(times):.4f} s (mean of {args.steps}, {str(dtype).split('.')[-1]}, "
          f"{args.size}x{args.size}, batch 2, diffusers 0.21.4 UNet2DConditionModel, torch {torch.__version__}, "
          f"{args.device}; peak allocated {peak:.0f} MiB)")


if __name__ == "__main__":
    main()
