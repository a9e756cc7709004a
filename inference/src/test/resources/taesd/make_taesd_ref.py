#!/usr/bin/env python3
"""A mini tiny VAE (diffusers' AutoencoderTiny, the TAESD architecture) with random weights, and its reference outputs.

    python3 make_taesd_ref.py DIFFUSERS_V0_21_4_CHECKOUT OUT_DIR

Reads only ``src/diffusers/models/{vae,unet_2d_blocks,activations}.py`` of diffusers v0.21.4: the classes
EncoderTiny, DecoderTiny, AutoencoderTinyBlock and get_activation are cut out of them and run on torch (Debian's
python3-torch 1.13); the rest of the package (and its dependencies) is not needed. AutoencoderTiny itself is only
``encoder``/``decoder`` plus ``scaling_factor`` 1.0: its latents are the UNet's latents unscaled, so the pipeline
decodes ``latents / 1.0`` and encodes to ``encoder(image) * 1.0``.

The model has TAESD's structure at a small width (block channels 16 instead of 64; TAESD: encoder blocks
(1, 3, 3, 3), decoder blocks (3, 3, 3, 1), latent 4, ReLU, nearest 2x upsampling; here encoder (1, 2, 2, 2), decoder
(2, 2, 2, 1)). Weights are drawn from a seeded normal, scaled so activations stay O(1), and rounded to fp16 values.

Writes ``OUT_DIR/mini-taesd/{config.json, diffusion_pytorch_model.safetensors}`` (a diffusers folder, keys
``encoder.layers.N...``/``decoder.layers.N...``) and ``OUT_DIR/taesd-reference.safetensors``:
``decode.in`` [1, 4, 8, 8] -> ``decode.out`` [1, 3, 64, 64] (decoder output in [-1, 1] units: ``x * 2 - 1``),
``encode.in`` [1, 3, 64, 64] in [-1, 1] -> ``encode.out`` [1, 4, 8, 8].
"""
import json
import os
import re
import struct
import subprocess
import sys

import numpy as np
import torch
from torch import nn

CONFIG = {
    "_class_name": "AutoencoderTiny", "_diffusers_version": "0.21.4", "in_channels": 3, "out_channels": 3,
    "encoder_block_out_channels": [16, 16, 16, 16], "decoder_block_out_channels": [16, 16, 16, 16],
    "act_fn": "relu", "latent_channels": 4, "upsampling_scaling_factor": 2,
    "num_encoder_blocks": [1, 2, 2, 2], "num_decoder_blocks": [2, 2, 2, 1],
    "latent_magnitude": 3, "latent_shift": 0.5, "force_upcast": False, "scaling_factor": 1.0,
}


def cut_class(source, name):
    """The source of top-level class ``name`` (up to the next top-level statement)."""
    m = re.search(rf"^class {name}\b.*?(?=^\S)", source + "\nEND\n", re.S | re.M)
    return m.group(0)


def load_classes(checkout):
    def read(path):
        return open(os.path.join(checkout, "src/diffusers/models", path)).read()
    ns = {"nn": nn, "torch": torch, "is_torch_version": lambda op, v: True}
    activations = read("activations.py")
    exec(re.search(r"^def get_activation.*?(?=^\S)", activations + "\nEND\n", re.S | re.M).group(0), ns)
    exec(cut_class(read("unet_2d_blocks.py"), "AutoencoderTinyBlock"), ns)
    vae = read("vae.py")
    exec(cut_class(vae, "EncoderTiny"), ns)
    exec(cut_class(vae, "DecoderTiny"), ns)
    return ns["EncoderTiny"], ns["DecoderTiny"]


def write_safetensors(path, tensors, metadata=None):
    header = {"__metadata__": metadata} if metadata else {}
    blobs, offset = [], 0
    for k in sorted(tensors):
        raw = np.ascontiguousarray(tensors[k].detach().numpy(), dtype="<f4").tobytes()
        header[k] = {"dtype": "F32", "shape": list(tensors[k].shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def main(checkout, out):
    torch.manual_seed(20261207)
    EncoderTiny, DecoderTiny = load_classes(checkout)
    c = CONFIG
    encoder = EncoderTiny(c["in_channels"], c["latent_channels"], c["num_encoder_blocks"],
                          c["encoder_block_out_channels"], c["act_fn"])
    decoder = DecoderTiny(c["latent_channels"], c["out_channels"], c["num_decoder_blocks"],
                          c["decoder_block_out_channels"], c["upsampling_scaling_factor"], c["act_fn"])
    weights = {}
    with torch.no_grad():
        for prefix, module in (("encoder", encoder), ("decoder", decoder)):
            for name, p in module.named_parameters():
                if name.endswith("weight"):
                    fan_in = p[0].numel()
                    p.copy_(torch.randn_like(p) * (1.0 / fan_in) ** 0.5)
                else:
                    p.copy_(torch.randn_like(p) * 0.1)
                p.copy_(p.half().float())  # exactly representable in fp16
                weights[f"{prefix}.{name}"] = p.clone()
        latents = torch.randn(1, 4, 8, 8) * 2
        image = torch.rand(1, 3, 64, 64) * 2 - 1
        decoded = decoder.eval()(latents)
        encoded = encoder.eval()(image)
    folder = os.path.join(out, "mini-taesd")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(CONFIG, f, indent=2)
        f.write("\n")
    write_safetensors(os.path.join(folder, "diffusion_pytorch_model.safetensors"), weights)
    write_safetensors(os.path.join(out, "taesd-reference.safetensors"),
                      {"decode.in": latents, "decode.out": decoded, "encode.in": image, "encode.out": encoded},
                      {"source": "make_taesd_ref.py, diffusers v0.21.4 EncoderTiny/DecoderTiny, torch " + torch.__version__})
    print(f"{len(weights)} weight tensors; decode.out {tuple(decoded.shape)} range [{decoded.min():.3f}, "
          f"{decoded.max():.3f}] std {decoded.std():.3f}; encode.out std {encoded.std():.3f}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
