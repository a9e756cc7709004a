"""References for A1111's own DDIM and PLMS (modules/sd_samplers_timesteps.py and sd_samplers_timesteps_impl.py of
AUTOMATIC1111/stable-diffusion-webui, v1.6+), run in torch float32 as A1111 runs them, on the fake model of
make_refs.py (the same function SamplerChecks.fakeModel computes) and the mini-sd15 fixture's training schedule
(computed as A1111's LDM DDPM.register_schedule does: float64, stored as float32).

Writes timestep-sampler-refs.safetensors in make_refs.py's case format (read by SamplerChecks.runReferences, bundled
into the jar): per case the call timesteps, x0 (the start noise, or for img2img the init latents plus `noise`) and the
sample after each model call. Run: python3 make_timestep_refs.py (torch 1.13, no network).
"""
import json
import math
import os
import struct

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
CONFIG = os.path.join(HERE, "../../../../../../shared/fixtures/ldm/mini-sd15/scheduler/scheduler_config.json")


def ldm_alphas_cumprod(config):
    # ldm.modules.diffusionmodules.util.make_beta_schedule("linear") as SD's configs use it (scaled_linear in diffusers)
    assert config["beta_schedule"] == "scaled_linear"
    betas = (torch.linspace(config["beta_start"] ** 0.5, config["beta_end"] ** 0.5, config["num_train_timesteps"],
                            dtype=torch.float64) ** 2).numpy()
    return torch.tensor(np.cumprod(1.0 - betas, axis=0), dtype=torch.float32)


def fake_model(x, t):
    return 0.3 * x + 0.05 * torch.cos(t / 150) + 0.01 * torch.tanh(3 * x)


class Denoiser:
    """CompVisTimestepsDenoiser / CompVisTimestepsVDenoiser around the fake model; records every call's input."""

    def __init__(self, alphas_cumprod, v):
        self.alphas_cumprod = alphas_cumprod
        self.sqrt_alphas_cumprod = torch.sqrt(alphas_cumprod.double()).float()
        self.sqrt_one_minus_alphas_cumprod = torch.sqrt(1 - alphas_cumprod.double()).float()
        self.v = v
        self.inputs = []
        self.timesteps = []
        # model.inner_model.inner_model.alphas_cumprod as A1111's functions read it
        self.inner_model = self

    def __call__(self, x, t):
        self.inputs.append(x.clone())
        self.timesteps.append(float(t[0]))
        out = fake_model(x, t.float()[:, None, None, None])
        if not self.v:
            return out
        ti = t.to(torch.long)  # A1111: torch.int (torch 1.13 indexes with long only)
        return self.sqrt_alphas_cumprod[ti, None, None, None] * out + self.sqrt_one_minus_alphas_cumprod[ti, None, None, None] * x


# ---- copied from sd_samplers_timesteps_impl.py (tqdm, the callback and randn_like's zero noise at eta 0 left out)

@torch.no_grad()
def ddim(model, x, timesteps, eta=0.0):
    alphas_cumprod = model.inner_model.inner_model.alphas_cumprod
    alphas = alphas_cumprod[timesteps]
    alphas_prev = alphas_cumprod[torch.nn.functional.pad(timesteps[:-1], pad=(1, 0))].to(torch.float64)
    sqrt_one_minus_alphas = torch.sqrt(1 - alphas)
    sigmas = eta * np.sqrt((1 - alphas_prev.cpu().numpy()) / (1 - alphas.cpu()) * (1 - alphas.cpu() / alphas_prev.cpu().numpy()))
    s_in = x.new_ones([x.shape[0]])
    for i in range(len(timesteps) - 1):
        index = len(timesteps) - 1 - i
        e_t = model(x, timesteps[index].item() * s_in)
        a_t = alphas[index].item() * s_in
        a_prev = alphas_prev[index].item() * s_in
        sigma_t = sigmas[index].item() * s_in
        sqrt_one_minus_at = sqrt_one_minus_alphas[index].item() * s_in
        pred_x0 = (x - sqrt_one_minus_at * e_t) / a_t.sqrt()
        dir_xt = (1. - a_prev - sigma_t ** 2).sqrt() * e_t
        x = a_prev.sqrt() * pred_x0 + dir_xt
    return x


@torch.no_grad()
def plms(model, x, timesteps):
    alphas_cumprod = model.inner_model.inner_model.alphas_cumprod
    alphas = alphas_cumprod[timesteps]
    alphas_prev = alphas_cumprod[torch.nn.functional.pad(timesteps[:-1], pad=(1, 0))].to(torch.float64)
    sqrt_one_minus_alphas = torch.sqrt(1 - alphas)
    s_in = x.new_ones([x.shape[0]])
    old_eps = []

    def get_x_prev_and_pred_x0(e_t, index):
        a_t = alphas[index].item() * s_in
        a_prev = alphas_prev[index].item() * s_in
        sqrt_one_minus_at = sqrt_one_minus_alphas[index].item() * s_in
        pred_x0 = (x - sqrt_one_minus_at * e_t) / a_t.sqrt()
        dir_xt = (1. - a_prev).sqrt() * e_t
        x_prev = a_prev.sqrt() * pred_x0 + dir_xt
        return x_prev, pred_x0

    for i in range(len(timesteps) - 1):
        index = len(timesteps) - 1 - i
        ts = timesteps[index].item() * s_in
        t_next = timesteps[max(index - 1, 0)].item() * s_in
        e_t = model(x, ts)
        if len(old_eps) == 0:
            x_prev, pred_x0 = get_x_prev_and_pred_x0(e_t, index)
            e_t_next = model(x_prev, t_next)
            e_t_prime = (e_t + e_t_next) / 2
        elif len(old_eps) == 1:
            e_t_prime = (3 * e_t - old_eps[-1]) / 2
        elif len(old_eps) == 2:
            e_t_prime = (23 * e_t - 16 * old_eps[-1] + 5 * old_eps[-2]) / 12
        else:
            e_t_prime = (55 * e_t - 59 * old_eps[-1] + 37 * old_eps[-2] - 9 * old_eps[-3]) / 24
        x_prev, pred_x0 = get_x_prev_and_pred_x0(e_t_prime, index)
        old_eps.append(e_t)
        if len(old_eps) >= 4:
            old_eps.pop(0)
        x = x_prev
    return x


# ---- CompVisSampler.get_timesteps / sample_img2img and sd_samplers_common.setup_img2img_steps (img2img_fix_steps off)

def get_timesteps(steps):
    return torch.clip(torch.asarray(list(range(0, 1000, 1000 // steps))) + 1, 0, 999)


def run_case(func, alphas, v, steps, strength, gen):
    model = Denoiser(alphas, v)
    shape = (1, 4, 2, 3)
    case = {}
    if strength is None:
        x0 = torch.randn(shape, generator=gen)
        x = x0
        timesteps = get_timesteps(steps)
        tensors = {}
    else:
        t_enc = int(min(strength, 0.999) * steps)
        timesteps_all = get_timesteps(steps)
        timesteps = timesteps_all[:t_enc]
        x0 = torch.randn(shape, generator=gen) * 0.8
        noise = torch.randn(shape, generator=gen)
        a = alphas[timesteps_all[t_enc]]
        x = x0 * torch.sqrt(a) + noise * torch.sqrt(1 - a)
        tensors = {"noise": noise}
        case["strength"] = strength
    out = func(model, x, timesteps)
    trajectory = torch.stack(model.inputs[1:] + [out]) if model.inputs else torch.zeros((0,) + shape)
    tensors.update({"timesteps": np.array(model.timesteps, dtype=np.float64), "init_noise_sigma": np.array([1.0]),
                    "x0": x0.numpy(), "trajectory": trajectory.numpy()})
    return case, tensors, len(model.inputs)


def write_safetensors(path, tensors, metadata):
    header = {"__metadata__": metadata}
    blobs, offset = [], 0
    for k in sorted(tensors):
        wide = np.asarray(tensors[k]).ndim < 2
        a = np.ascontiguousarray(tensors[k], dtype="<f8" if wide else "<f4")
        raw = a.tobytes()
        header[k] = {"dtype": "F64" if wide else "F32", "shape": list(a.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def main():
    with open(CONFIG) as f:
        config = json.load(f)
    config = {k: v for k, v in config.items() if not k.startswith("_")}
    alphas = ldm_alphas_cumprod(config)
    gen = torch.Generator().manual_seed(1234)
    cases, tensors = {}, {}
    # 20: 1000 // 20 divides 1000; 7 and 30 do not (timesteps up to 995 and 991); img2img at 20 steps 0.5 and 7 at 0.6
    plan = [("ddim", 20, None), ("ddim", 7, None), ("ddim", 30, None), ("plms", 20, None), ("plms", 7, None),
            ("plms", 30, None), ("ddim", 20, 0.5), ("plms", 7, 0.6), ("plms", 4, 0.6)]
    for v in (False, True):
        for sampler, steps, strength in (plan if not v else [("ddim", 7, None), ("plms", 7, 0.6)]):
            name = "%s.%d%s%s" % (sampler, steps, "" if strength is None else ".img2img%g" % strength,
                                         "_v" if v else "")
            case, t, calls = run_case(ddim if sampler == "ddim" else plms, alphas, v, steps, strength, gen)
            cfg = dict(config, prediction_type="v_prediction" if v else "epsilon")
            case.update({"sampler": sampler, "config": cfg, "steps": steps})
            cases[name] = case
            for k, a in t.items():
                tensors["ref.%s.%s" % (name, k)] = a
            print(name, "calls", calls, "timesteps", [int(x) for x in t["timesteps"]])
    write_safetensors(os.path.join(HERE, "timestep-sampler-refs.safetensors"), tensors,
                      {"cases": json.dumps(cases, sort_keys=True)})


if __name__ == "__main__":
    main()
