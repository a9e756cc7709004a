#!/usr/bin/env python3
"""A mini SDXL ControlNet and what diffusers v0.21.4 does with it (the SDXL sibling of make_controlnet_refs.py).

    (the venv and diffusers sources of make_controlnet_refs.py)
    /tmp/cnenv/bin/python make_sdxl_controlnet_refs.py ../../../../../../shared/fixtures/ldm /tmp/cn/src .

(run from this folder). The ControlNet is ``ControlNetModel.from_unet`` of the mini-sdxl fixture UNet
(``addition_embed_type: text_time``; ``from_unet`` copies the encoder but not ``add_embedding``, which keeps its
random initialisation, as when training starts), the zero-initialised convolutions given small random weights
(torch seed 4321), every weight rounded to fp16 first so the weight file stores F16 losslessly. Writes:

* ``mini-cn-sdxl/config.json`` + ``mini-cn-sdxl/diffusion_pytorch_model.safetensors``: the diffusers folder;
* ``sdxl-controlnet-refs.safetensors``:
  - ``cn.in.sample`` [2,4,16,16], ``cn.in.timestep`` (500), ``cn.in.context`` [2,77,24], ``cn.in.text_embeds``
    [2,16], ``cn.in.time_ids`` [2,6], ``cn.in.cond`` [2,3,128,128] in [0,1], ``cn.scale`` (0.7) → ``cn.down.<i>``
    (9 residuals) and ``cn.mid``: ``ControlNetModel.forward`` with ``added_cond_kwargs``; ``cn.guess.*`` the same
    with ``guess_mode=True``;
  - ``unet.out``: the fixture's ``UNet2DConditionModel`` on the same inputs with those residuals;
  - ``pipe.control.image_uint8`` [128,128,3], ``pipe.latents`` [1,4,16,16]: the denoising loop of
    ``StableDiffusionXLControlNetPipeline.__call__`` (v0.21.4, mirrored here: its text encoders need transformers)
    for txt2img case 0 of the fixture (Euler, 8 steps, guidance 5, the astronaut prompt, zero negative
    conditioning: ``txt2img.0.context``/``text_embeds``/``time_ids``, start noise ``txt2img.0.noise``) with the
    control image (``/255``, duplicated for CFG), ``controlnet_conditioning_scale`` 0.8, guidance end 0.75.
"""
import json
import os
import sys

import torch

from make_controlnet_refs import read_header_meta, read_safetensors, stub_hub, write_safetensors


def main(ldm, diffusers_src, out_dir):
    stub_hub()
    sys.path.insert(0, diffusers_src)
    from diffusers.models.controlnet import ControlNetModel
    from diffusers.models.unet_2d_condition import UNet2DConditionModel
    from diffusers.schedulers.scheduling_euler_discrete import EulerDiscreteScheduler

    torch.manual_seed(4321)
    with open(f"{ldm}/mini-sdxl/unet/config.json") as f:
        unet_config = json.load(f)
    unet = UNet2DConditionModel.from_config(unet_config)
    unet.load_state_dict({k: v.float() for k, v in
                          read_safetensors(f"{ldm}/mini-sdxl/unet/diffusion_pytorch_model.safetensors").items()})
    unet.eval()
    cn = ControlNetModel.from_unet(unet)
    with torch.no_grad():
        for name, p in cn.named_parameters():
            if name.startswith(("controlnet_down_blocks", "controlnet_mid_block", "controlnet_cond_embedding.conv_out")):
                p.copy_(torch.randn_like(p) * 0.05)
        for p in cn.parameters():
            p.copy_(p.half().float())
    cn.eval()
    state = dict(cn.state_dict())
    os.makedirs(f"{out_dir}/mini-cn-sdxl", exist_ok=True)
    write_safetensors(f"{out_dir}/mini-cn-sdxl/diffusion_pytorch_model.safetensors", state, half=True)
    config = {k: (list(v) if isinstance(v, tuple) else v) for k, v in dict(cn.config).items() if not k.startswith("_")}
    config["_class_name"] = "ControlNetModel"
    config["_diffusers_version"] = "0.21.4"
    with open(f"{out_dir}/mini-cn-sdxl/config.json", "w") as f:
        json.dump(config, f, indent=2, sort_keys=True)
        f.write("\n")

    refs = {}
    fixture = read_safetensors(f"{ldm}/mini-sdxl-reference/reference.safetensors")
    sample = torch.randn(2, 4, 16, 16)
    timestep = torch.tensor(500)
    context = torch.randn(2, 77, 24)
    text_embeds = torch.randn(2, 16)
    time_ids = torch.tensor([[128.0, 128, 0, 0, 128, 128], [96, 160, 8, 4, 128, 128]])
    cond = torch.rand(2, 3, 128, 128)
    added = {"text_embeds": text_embeds, "time_ids": time_ids}
    refs.update({"cn.in.sample": sample, "cn.in.timestep": timestep.float().reshape(1), "cn.in.context": context,
                 "cn.in.text_embeds": text_embeds, "cn.in.time_ids": time_ids, "cn.in.cond": cond,
                 "cn.scale": torch.tensor([0.7])})
    with torch.no_grad():
        down, mid = cn(sample, timestep, encoder_hidden_states=context, controlnet_cond=cond,
                       conditioning_scale=0.7, added_cond_kwargs=added, return_dict=False)
        for i, d in enumerate(down):
            refs[f"cn.down.{i}"] = d
        refs["cn.mid"] = mid
        gdown, gmid = cn(sample, timestep, encoder_hidden_states=context, controlnet_cond=cond,
                         conditioning_scale=0.7, guess_mode=True, added_cond_kwargs=added, return_dict=False)
        for i, d in enumerate(gdown):
            refs[f"cn.guess.down.{i}"] = d
        refs["cn.guess.mid"] = gmid
        refs["unet.out"] = unet(sample, timestep, encoder_hidden_states=context, added_cond_kwargs=added,
                                down_block_additional_residuals=down, mid_block_additional_residual=mid).sample
        plain = unet(sample, timestep, encoder_hidden_states=context, added_cond_kwargs=added).sample
        print("residuals move the UNet output by", float((refs["unet.out"] - plain).norm() / plain.norm()))

        # StableDiffusionXLControlNetPipeline.__call__'s loop, txt2img case 0 of the fixture with a control image
        yy, xx = torch.meshgrid(torch.arange(128), torch.arange(128), indexing="ij")
        image = torch.stack([(xx * 2) % 256, (yy * 2) % 256, ((xx - 64) ** 2 + (yy - 64) ** 2 < 40 ** 2) * 255], -1)
        image_uint8 = image.to(torch.uint8)
        refs["pipe.control.image_uint8"] = image_uint8
        control = torch.cat([(image_uint8.permute(2, 0, 1).float() / 255.0)[None]] * 2)
        case = json.loads(read_header_meta(f"{ldm}/mini-sdxl-reference/reference.safetensors")["txt2img.cases"])[0]
        scheduler = EulerDiscreteScheduler.from_config(case["scheduler_config"])
        steps, guidance, scale, start, end = case["steps"], case["guidance"], 0.8, 0.0, 0.75
        scheduler.set_timesteps(steps)
        timesteps = scheduler.timesteps
        prompt_embeds = fixture["txt2img.0.context"].float()
        step_added = {"text_embeds": fixture["txt2img.0.text_embeds"].float(),
                      "time_ids": fixture["txt2img.0.time_ids"].float()}
        latents = fixture["txt2img.0.noise"].float() * scheduler.init_noise_sigma
        keep = [1.0 - float(i / len(timesteps) < start or (i + 1) / len(timesteps) > end) for i in range(len(timesteps))]
        for i, t in enumerate(timesteps):
            model_input = scheduler.scale_model_input(torch.cat([latents] * 2), t)
            d, m = cn(model_input, t, encoder_hidden_states=prompt_embeds, controlnet_cond=control,
                      conditioning_scale=scale * keep[i], added_cond_kwargs=step_added, return_dict=False)
            eps = unet(model_input, t, encoder_hidden_states=prompt_embeds, added_cond_kwargs=step_added,
                       down_block_additional_residuals=d, mid_block_additional_residual=m).sample
            eu, ec = eps.chunk(2)
            latents = scheduler.step(eu + guidance * (ec - eu), t, latents).prev_sample
        refs["pipe.latents"] = latents
        print("control moves the case-0 latents by",
              float((latents - fixture["txt2img.0.latents"]).norm() / fixture["txt2img.0.latents"].norm()))
    write_safetensors(f"{out_dir}/sdxl-controlnet-refs.safetensors", refs)


if __name__ == "__main__":
    main(*sys.argv[1:4])
