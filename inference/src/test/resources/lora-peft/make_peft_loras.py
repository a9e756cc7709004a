#!/usr/bin/env python3
"""peft-format LoRAs with alpha != rank for the mini-sd15 fixture, and the weights peft/diffusers merge from them.

    python3 make_peft_loras.py ../../../../../../shared/fixtures/ldm .     # from this folder; Debian torch 1.13

Writes into the last argument:

* ``diffusers-metadata.safetensors``: what diffusers' ``save_lora_weights`` writes (keys ``unet.<module>.lora_A/B.weight``,
  ``text_encoder.<module>.lora_A/B.weight``; header ``__metadata__["lora_adapter_metadata"]`` = JSON of
  ``unet.r``, ``unet.lora_alpha``, ``unet.rank_pattern``, ``unet.alpha_pattern``, ``text_encoder.*``, as
  ``_pack_dict_with_prefix`` makes them);
* ``peft-folder/adapter_model.safetensors`` + ``peft-folder/adapter_config.json``: peft's ``save_pretrained`` of a
  UNet adapter (keys ``base_model.model.<module>.lora_A/B.weight``), with ``use_rslora`` and an anchored (``^``)
  alpha pattern;
* ``*-kohya-twin.safetensors``: the same deltas in kohya naming with explicit ``.alpha`` tensors (alpha = scaling *
  rank), so that a generation with either file must give the same image;
* ``reference.safetensors``: ``merged.<file>.<part>.<weight key>`` = W + 0.8 * scaling * B @ A (fp32; 1x1 convs
  squeezed and unsqueezed), for every module, with scaling = lora_alpha / r (or / sqrt(r) with use_rslora) and r,
  lora_alpha taken from ``rank_pattern``/``alpha_pattern`` by peft's ``get_pattern_key`` (copied below) matched
  against the module's name inside its component, as peft's ``LoraModel._create_and_replace`` does.

Random weights: torch seed 1515. No safetensors package is needed (the format is written by hand below).
"""
import json
import math
import os
import re
import struct
import sys

import torch

SCALE = 0.8


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for k, v in header.items():
        if k == "__metadata__":
            continue
        assert v["dtype"] == "F32", k
        b, e = v["data_offsets"]
        out[k] = torch.frombuffer(bytearray(data[b:e]), dtype=torch.float32).reshape(v["shape"]).clone()
    return out


def write_safetensors(path, tensors, metadata=None):
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for k in sorted(tensors):
        t = tensors[k].contiguous().to(torch.float32)
        b = t.numpy().tobytes()
        header[k] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def get_pattern_key(pattern_keys, key_to_match):
    """peft.utils.other.get_pattern_key (peft >= 0.15)."""
    for key in pattern_keys:
        match = re.match(rf"(.*\.)?({key})$", key_to_match)
        if not match:
            continue
        return key
    return key_to_match


def scaling(config, module):
    r_key = get_pattern_key(config.get("rank_pattern", {}).keys(), module)
    alpha_key = get_pattern_key(config.get("alpha_pattern", {}).keys(), module)
    r = config.get("rank_pattern", {}).get(r_key, config["r"])
    alpha = config.get("alpha_pattern", {}).get(alpha_key, config["lora_alpha"])
    return r, (alpha / math.sqrt(r) if config.get("use_rslora") else alpha / r)


def pair(weight, r):
    out, inp = weight.shape[0], weight.shape[1]
    conv = weight.dim() == 4
    a = torch.randn(r, inp) * 0.3
    b = torch.randn(out, r) * 0.3
    return (a[:, :, None, None], b[:, :, None, None]) if conv else (a, b)


def delta(a, b):
    d = b.flatten(1) @ a.flatten(1)
    return d[:, :, None, None] if a.dim() == 4 else d


def kohya_name(part, module):
    return ("lora_unet_" if part == "unet" else "lora_te_") + module.replace(".", "_")


def build(modules, configs, weights, prefix_of):
    """modules: [(part, module)]; returns peft tensors, kohya twin, merged reference."""
    peft, kohya, merged = {}, {}, {}
    for part, module in modules:
        w = weights[part][module + ".weight"]
        r, s = scaling(configs[part], module)
        a, b = pair(w, r)
        peft[prefix_of(part) + module + ".lora_A.weight"] = a
        peft[prefix_of(part) + module + ".lora_B.weight"] = b
        k = kohya_name(part, module)
        kohya[k + ".lora_down.weight"] = a
        kohya[k + ".lora_up.weight"] = b
        kohya[k + ".alpha"] = torch.tensor(s * r)
        merged[part + "." + module + ".weight"] = w + SCALE * s * delta(a, b)
    return peft, kohya, merged


def main(ldm, out):
    torch.manual_seed(1515)
    weights = {"unet": read_safetensors(os.path.join(ldm, "mini-sd15/unet/diffusion_pytorch_model.safetensors")),
               "text_encoder": read_safetensors(os.path.join(ldm, "mini-sd15/text_encoder/model.safetensors"))}
    attn = "down_blocks.0.attentions.0.transformer_blocks.0."
    unet_modules = [attn + m for m in ("attn1.to_q", "attn1.to_k", "attn2.to_k", "attn2.to_v", "attn2.to_out.0",
                                       "ff.net.2")]
    unet_modules += ["down_blocks.0.attentions.0.proj_in", "mid_block.attentions.0.proj_out",
                     "mid_block.attentions.0.transformer_blocks.0.attn1.to_q"]
    text_modules = ["text_model.encoder.layers.%d.%s" % (i, m) for i in (0, 2) for m in
                    ("self_attn.q_proj", "self_attn.out_proj", "mlp.fc1")]

    # diffusers' save_lora_weights: one file, per-component configs in the header
    configs = {
        "unet": {"r": 4, "lora_alpha": 8, "rank_pattern": {"mid_block.attentions.0.proj_out": 8},
                 "alpha_pattern": {"attn2.to_k": 2, "mid_block.attentions.0.proj_out": 3}, "use_rslora": False},
        "text_encoder": {"r": 2, "lora_alpha": 1, "rank_pattern": {}, "alpha_pattern": {"layers.2.mlp.fc1": 6},
                         "use_rslora": False},
    }
    modules = [("unet", m) for m in unet_modules] + [("text_encoder", m) for m in text_modules]
    peft, kohya, merged = build(modules, configs, weights, lambda part: part + ".")
    metadata = {}
    for part, config in configs.items():
        metadata.update({part + "." + k: v for k, v in config.items()})
    write_safetensors(os.path.join(out, "diffusers-metadata.safetensors"), peft,
                      {"format": "pt", "lora_adapter_metadata": json.dumps(metadata, indent=2, sort_keys=True)})
    write_safetensors(os.path.join(out, "diffusers-metadata-kohya-twin.safetensors"), kohya)
    reference = {"merged.diffusers-metadata." + k: v for k, v in merged.items()}

    # peft's save_pretrained of a UNet adapter: a folder, the config in adapter_config.json
    config = {"r": 4, "lora_alpha": 16, "use_rslora": True, "peft_type": "LORA",
              "rank_pattern": {"attn1.to_q": 2},
              "alpha_pattern": {"^down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_k": 5, "ff.net.2": 1.5},
              "target_modules": sorted({m.split(".")[-1] for m in unet_modules})}
    peft, kohya, merged = build([("unet", m) for m in unet_modules], {"unet": config}, weights,
                                lambda part: "base_model.model.")
    os.makedirs(os.path.join(out, "peft-folder"), exist_ok=True)
    write_safetensors(os.path.join(out, "peft-folder/adapter_model.safetensors"), peft, {"format": "pt"})
    with open(os.path.join(out, "peft-folder/adapter_config.json"), "w") as f:
        json.dump(config, f, indent=2, sort_keys=True)
    write_safetensors(os.path.join(out, "peft-folder-kohya-twin.safetensors"), kohya)
    reference.update({"merged.peft-folder." + k: v for k, v in merged.items()})
    write_safetensors(os.path.join(out, "reference.safetensors"), reference, {"scale": str(SCALE)})


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
