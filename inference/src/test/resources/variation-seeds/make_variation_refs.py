"""Reference start noise of A1111's variation seeds (subseeds), for VariationNoiseTest.

Follows A1111's modules/rng.py with opts.randn_source == "CPU" (what sdbot records as "RNG: CPU"): ImageRNG.first()
draws image i's noise from a CPU generator seeded with seeds[i], the variation noise with torch.manual_seed(subseeds[i])
and torch.randn, and mixes them with rng.slerp(subseed_strength, noise, subnoise) on the (C, H, W) tensor (so its
dim=1 is H). processing.py gives every image of a variation the same seed and subseed + i. Run with python3 (Debian's
torch 1.13): writes variation_refs.json.
"""
import json

import torch


def slerp(val, low, high):  # A1111's rng.slerp, the same arithmetic
    low_norm = low / torch.norm(low, dim=1, keepdim=True)
    high_norm = high / torch.norm(high, dim=1, keepdim=True)
    dot = (low_norm * high_norm).sum(1)
    if dot.mean() > 0.9995:
        return low * val + high * (1 - val)
    omega = torch.acos(dot)
    so = torch.sin(omega)
    return (torch.sin((1.0 - val) * omega) / so).unsqueeze(1) * low + (torch.sin(val * omega) / so).unsqueeze(1) * high


def first(shape, seeds, subseeds, strength):  # ImageRNG.first() without seed resize, CPU source
    xs = []
    for i, seed in enumerate(seeds):
        generator = torch.Generator("cpu").manual_seed(int(seed))
        subnoise = None
        if strength != 0:
            torch.manual_seed(subseeds[i])
            subnoise = torch.randn(shape)
        noise = torch.randn(shape, generator=generator)
        if subnoise is not None:
            noise = slerp(strength, noise, subnoise)
        xs.append(noise)
    return torch.stack(xs)


cases = []
for seed, subseed, strength, shape in [
    (1234, 5678, 0.3, (4, 8, 12)),   # 96x64: H != W, so the normalised axis shows
    (42, 4294967295, 0.05, (4, 8, 8)),
    (7, 7, 0.5, (4, 8, 8)),          # the same noise twice: A1111's linear fallback
    (99, 100, 1.0, (4, 8, 8)),
]:
    seeds = [seed, seed]                 # processing.py: seed + (x if subseed_strength == 0 else 0)
    subseeds = [subseed, subseed + 1]    # subseed + x
    noise = first(shape, seeds, subseeds, strength)
    cases.append({"seed": seed, "variationSeed": subseed, "strength": strength, "shape": list(shape),
                  "images": [noise[i].flatten().tolist() for i in range(len(seeds))]})

with open("variation_refs.json", "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f)
