#!/usr/bin/env python3
"""A mini SD 1.x ControlNet and what diffusers v0.21.4 does with it.

    /usr/bin/python3 -m venv --system-site-packages /tmp/cnenv      # Debian's python3-torch (1.13) and numpy
    /tmp/cnenv/bin/pip install safetensors packaging regex pillow requests filelock tqdm pyyaml
    mkdir -p /tmp/cn && git --git-dir /work/.mirror/huggingface+diffusers/repo archive v0.21.4 src/diffusers | tar -x -C /tmp/cn
    /tmp/cnenv/bin/python make_controlnet_refs.py ../../../../../../shared/fixtures/ldm /tmp/cn/src .

(run from this folder). The weight files store F16 (the weights are rounded to fp16 first). Last run: Debian 12, python 3.11, torch 1.13.0a0; regenerating gives byte-identical
files. It prints how far the residuals move the UNet output (26 %) and the control the case-0 latents (13 %).
The ControlNet is ``ControlNetModel.from_unet`` of the mini-sd15 fixture UNet (so its
encoder copies the UNet's), with the zero-initialised convolutions (``controlnet_down_blocks``,
``controlnet_mid_block``, ``controlnet_cond_embedding.conv_out``) given small random weights (torch seed 1234),
as training would. Writes:

* ``mini-cn/config.json`` + ``mini-cn/diffusion_pytorch_model.safetensors``: the diffusers folder;
* ``mini-cn-a1111.safetensors``: the same net as the original ControlNet repository / A1111 extension stores it
  (``control_model.*``: UNet names for the encoder, ``zero_convs.N.0``, ``middle_block_out.0``,
  ``input_hint_block.{0,2,..,14}``), the inverse of diffusers' ``convert_controlnet_checkpoint``;
* ``controlnet-refs.safetensors``:
  - ``cn.in.sample`` [2,4,16,16], ``cn.in.timestep`` (500), ``cn.in.context`` [2,77,32], ``cn.in.cond`` [2,3,128,128]
    in [0,1], ``cn.scale`` (0.7) → ``cn.down.<i>`` (12 residuals) and ``cn.mid``: ``ControlNetModel.forward``;
    ``cn.guess.down.<i>``, ``cn.guess.mid``: the same with ``guess_mode=True`` (logspace 0.1..1 scales);
  - ``unet.out``: ``UNet2DConditionModel`` of the fixture on the same inputs with
    ``down_block_additional_residuals=cn.down.*``, ``mid_block_additional_residual=cn.mid``;
  - ``pipe.control.image_uint8`` [128,128,3], ``pipe.latents`` [1,4,16,16]: the denoising loop of
    ``StableDiffusionControlNetPipeline.__call__`` (v0.21.4, mirrored here because its text encoder needs
    transformers) for txt2img case 0 of the fixture (DDIM, 8 steps, guidance 7.5, the astronaut prompt, negative
    "" — context rows 4 and 0 of the fixture's ``text.hidden``, start noise ``txt2img.0.noise``) with the control
    image (``prepare_image``: ``/255``, duplicated for CFG), ``controlnet_conditioning_scale`` 0.8,
    ``control_guidance_start`` 0.0, ``control_guidance_end`` 0.75 (the last two of 8 steps run without control).
"""
import json
import re
import struct
import sys
import types

import torch

def stub_hub():
    """diffusers 0.21.4 imports huggingface_hub at module level; nothing here downloads, so a stub suffices."""

    class HubStubError(Exception):
        pass

    def module(name):
        m = types.ModuleType(name)

        def attr(a):
            if a.endswith("Error"):
                return HubStubError
            if a.startswith("REGEX"):
                return re.compile("^[0-9a-f]{40}$")
            if a.isupper() or a.endswith("_home"):
                return "/nonexistent/hf-cache"
            if a.startswith("is_"):
                return lambda *args, **kw: False

            def unavailable(*args, **kw):
                raise RuntimeError("huggingface_hub stub: " + a + " is not available offline")

            return unavailable

        m.__getattr__ = attr
        m.__path__ = []
        m.__version__ = "0.17.3"
        sys.modules[name] = m

    for n in ["huggingface_hub", "huggingface_hub.utils", "huggingface_hub.file_download",
              "huggingface_hub.constants", "huggingface_hub._commit_api"]:
        module(n)


def write_safetensors(path, tensors, half=False):
    """half: floats as F16 (the weight files: their values are fp16-exact, see main, so nothing is lost)."""
    names = sorted(tensors)
    header, blobs, offset = {}, [], 0
    for name in names:
        t = tensors[name].detach().contiguous()
        if t.dtype == torch.uint8:
            raw, dtype = t.numpy().tobytes(), "U8"
        elif half:
            raw, dtype = t.half().numpy().tobytes(), "F16"
        else:
            raw, dtype = t.float().numpy().tobytes(), "F32"
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    header.pop("__metadata__", None)
    out = {}
    types_ = {"F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "I64": torch.int64, "U8": torch.uint8}
    for k, v in header.items():
        a, b = v["data_offsets"]
        out[k] = torch.frombuffer(bytearray(data[a:b]), dtype=types_[v["dtype"]]).reshape(v["shape"]).clone()
    return out


def unet_to_original(key, layers_per_block):
    """diffusers UNet encoder name -> original (LDM) name, the inverse of diffusers' conversion."""
    per = layers_per_block + 1
    fixed = {"time_embedding.linear_1": "time_embed.0", "time_embedding.linear_2": "time_embed.2",
             "conv_in": "input_blocks.0.0"}
    head, tail = key.rsplit(".", 1)
    if head in fixed:
        return fixed[head] + "." + tail
    resnet = [("norm1.", "in_layers.0."), ("conv1.", "in_layers.2."), ("time_emb_proj.", "emb_layers.1."),
              ("norm2.", "out_layers.0."), ("conv2.", "out_layers.3."), ("conv_shortcut.", "skip_connection.")]

    def res(rest):
        for a, b in resnet:
            if rest.startswith(a):
                return b + rest[len(a):]
        return rest

    m = re.match(r"down_blocks\.(\d+)\.(resnets|attentions|downsamplers)\.(\d+)\.(.+)", key)
    if m:
        level, kind, j, rest = int(m[1]), m[2], int(m[3]), m[4]
        if kind == "downsamplers":
            return f"input_blocks.{level * per + per}.0.op.{rest[len('conv.'):]}"
        block = level * per + 1 + j
        return f"input_blocks.{block}.0.{res(rest)}" if kind == "resnets" else f"input_blocks.{block}.1.{rest}"
    m = re.match(r"mid_block\.(resnets|attentions)\.(\d+)\.(.+)", key)
    if m:
        if m[1] == "attentions":
            return "middle_block.1." + m[3]
        return f"middle_block.{0 if m[2] == '0' else 2}.{res(m[3])}"
    raise ValueError(key)


def a1111_state(cn_state, layers_per_block, hint_blocks):
    out = {}
    for key, t in cn_state.items():
        head, tail = key.rsplit(".", 1)
        m = re.match(r"controlnet_down_blocks\.(\d+)$", head)
        if m:
            name = f"zero_convs.{m[1]}.0.{tail}"
        elif head == "controlnet_mid_block":
            name = "middle_block_out.0." + tail
        elif head == "controlnet_cond_embedding.conv_in":
            name = "input_hint_block.0." + tail
        elif head == "controlnet_cond_embedding.conv_out":
            name = f"input_hint_block.{2 * (hint_blocks + 1)}.{tail}"
        elif head.startswith("controlnet_cond_embedding.blocks."):
            name = f"input_hint_block.{2 * (int(head.rsplit('.', 1)[1]) + 1)}.{tail}"
        else:
            name = unet_to_original(key, layers_per_block)
        out["control_model." + name] = t
    return out


def main(ldm, diffusers_src, out_dir):
    stub_hub()
    sys.path.insert(0, diffusers_src)
    from diffusers.models.controlnet import ControlNetModel
    from diffusers.models.unet_2d_condition import UNet2DConditionModel
    from diffusers.schedulers.scheduling_ddim import DDIMScheduler
    import os

    torch.manual_seed(1234)
    with open(f"{ldm}/mini-sd15/unet/config.json") as f:
        unet_config = json.load(f)
    unet = UNet2DConditionModel.from_config(unet_config)
    unet.load_state_dict({k: v.float() for k, v in
                          read_safetensors(f"{ldm}/mini-sd15/unet/diffusion_pytorch_model.safetensors").items()})
    unet.eval()
    cn = ControlNetModel.from_unet(unet)
    with torch.no_grad():
        for name, p in cn.named_parameters():
            if name.startswith(("controlnet_down_blocks", "controlnet_mid_block", "controlnet_cond_embedding.conv_out")):
                p.copy_(torch.randn_like(p) * 0.05)
        # every weight made fp16-exact, so the weight files store F16 (half the size) and the references are
        # computed with exactly the weights the files hold
        for p in cn.parameters():
            p.copy_(p.half().float())
    cn.eval()
    state = {k: v for k, v in cn.state_dict().items()}
    os.makedirs(f"{out_dir}/mini-cn", exist_ok=True)
    write_safetensors(f"{out_dir}/mini-cn/diffusion_pytorch_model.safetensors", state, half=True)
    config = dict(cn.config)
    config = {k: (list(v) if isinstance(v, tuple) else v) for k, v in config.items() if not k.startswith("_")}
    config["_class_name"] = "ControlNetModel"
    config["_diffusers_version"] = "0.21.4"
    with open(f"{out_dir}/mini-cn/config.json", "w") as f:
        json.dump(config, f, indent=2, sort_keys=True)
        f.write("\n")
    hint_blocks = len(cn.controlnet_cond_embedding.blocks)
    write_safetensors(f"{out_dir}/mini-cn-a1111.safetensors",
                      a1111_state(state, unet_config["layers_per_block"], hint_blocks), half=True)

    refs = {}
    fixture = read_safetensors(f"{ldm}/mini-sd15-reference/reference.safetensors")
    sample = torch.randn(2, 4, 16, 16)
    timestep = torch.tensor(500)
    context = torch.randn(2, 77, 32)
    cond = torch.rand(2, 3, 128, 128)
    refs.update({"cn.in.sample": sample, "cn.in.timestep": timestep.float().reshape(1), "cn.in.context": context,
                 "cn.in.cond": cond, "cn.scale": torch.tensor([0.7])})
    with torch.no_grad():
        down, mid = cn(sample, timestep, encoder_hidden_states=context, controlnet_cond=cond,
                       conditioning_scale=0.7, return_dict=False)
        for i, d in enumerate(down):
            refs[f"cn.down.{i}"] = d
        refs["cn.mid"] = mid
        gdown, gmid = cn(sample, timestep, encoder_hidden_states=context, controlnet_cond=cond,
                         conditioning_scale=0.7, guess_mode=True, return_dict=False)
        for i, d in enumerate(gdown):
            refs[f"cn.guess.down.{i}"] = d
        refs["cn.guess.mid"] = gmid
        refs["unet.out"] = unet(sample, timestep, encoder_hidden_states=context,
                                down_block_additional_residuals=down, mid_block_additional_residual=mid).sample
        plain = unet(sample, timestep, encoder_hidden_states=context).sample
        print("residuals move the UNet output by", float((refs["unet.out"] - plain).norm() / plain.norm()))

        # StableDiffusionControlNetPipeline.__call__'s loop, txt2img case 0 of the fixture with a control image
        yy, xx = torch.meshgrid(torch.arange(128), torch.arange(128), indexing="ij")
        image = torch.stack([(xx * 2) % 256, (yy * 2) % 256, ((xx - 64) ** 2 + (yy - 64) ** 2 < 40 ** 2) * 255], -1)
        image_uint8 = image.to(torch.uint8)
        refs["pipe.control.image_uint8"] = image_uint8
        control = (image_uint8.permute(2, 0, 1).float() / 255.0)[None]
        control = torch.cat([control] * 2)
        prompt_embeds = torch.cat([fixture["text.hidden"][4:5], fixture["text.hidden"][0:1]])
        configs = json.loads(read_header_meta(f"{ldm}/mini-sd15-reference/reference.safetensors")["sched.configs"])
        scheduler = DDIMScheduler.from_config(configs["ddim"])
        steps, guidance, scale, start, end = 8, 7.5, 0.8, 0.0, 0.75
        scheduler.set_timesteps(steps)
        timesteps = scheduler.timesteps
        latents = fixture["txt2img.0.noise"].float() * scheduler.init_noise_sigma
        keep = [1.0 - float(i / len(timesteps) < start or (i + 1) / len(timesteps) > end) for i in range(len(timesteps))]
        for i, t in enumerate(timesteps):
            model_input = scheduler.scale_model_input(torch.cat([latents] * 2), t)
            d, m = cn(model_input, t, encoder_hidden_states=prompt_embeds, controlnet_cond=control,
                      conditioning_scale=scale * keep[i], return_dict=False)
            eps = unet(model_input, t, encoder_hidden_states=prompt_embeds,
                       down_block_additional_residuals=d, mid_block_additional_residual=m).sample
            eu, ec = eps.chunk(2)
            latents = scheduler.step(eu + guidance * (ec - eu), t, latents).prev_sample
        refs["pipe.latents"] = latents
        print("control moves the case-0 latents by",
              float((latents - fixture["txt2img.0.latents"]).norm() / fixture["txt2img.0.latents"].norm()))
    write_safetensors(f"{out_dir}/controlnet-refs.safetensors", refs)


def read_header_meta(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        return json.loads(f.read(n))["__metadata__"]


if __name__ == "__main__":
    main(*sys.argv[1:4])
