#!/usr/bin/env python3
"""A kohya-format SDXL LoRA for the mini-sdxl fixture and what diffusers 0.21.4 makes of it.

    /usr/bin/python3 -m venv --system-site-packages /tmp/refenv      # Debian's python3-torch (1.13) and numpy
    /tmp/refenv/bin/pip install safetensors packaging regex pillow requests filelock tqdm pyyaml
    mkdir -p /tmp/dfz && git --git-dir /work/.mirror/huggingface+diffusers/repo archive v0.21.4 src/diffusers | tar -x -C /tmp/dfz
    /tmp/refenv/bin/python make_ref.py ../../../../../../shared/fixtures/ldm /tmp/dfz/src .

(run from this folder) writes ``mini-sdxl-lora.safetensors`` (the LoRA) and ``mini-sdxl-lora-reference.safetensors``
(the reference) into the last argument. The second argument is the ``src`` folder of diffusers v0.21.4; diffusers
imports huggingface_hub at module level, which is stubbed below (nothing is downloaded; transformers is not needed).
Last run: Debian 12, python 3.11, torch 1.13.0a0, numpy 1.24, safetensors 0.8.0; regenerating there gives
byte-identical files. It prints diffusers' own UNet output without LoRA against the fixture's ``unet.out`` (7e-7),
how far the LoRA moves it (63 %) and the largest difference between diffusers' fused weights and the formula (3e-8).

The LoRA (fp16, torch seed 1234) names its modules as kohya's sd-scripts does for SDXL:

* ``lora_unet_<SGM / original UNet path with _>``: every transformer's attn1/attn2 to_q/to_k/to_v/to_out_0,
  ff_net_0_proj, ff_net_2, proj_in, proj_out (Linear: use_linear_projection), and LoCon modules on the resnets
  (in_layers_2, out_layers_3 3x3 convs; emb_layers_1 Linear; skip_connection 1x1 conv), the downsampler
  ``input_blocks_3_0_op`` and the upsampler ``output_blocks_2_2_conv`` (3x3 convs);
* ``lora_te1_text_model_encoder_layers_N_...`` / ``lora_te2_...``: self_attn q/k/v/out_proj and mlp fc1/fc2 of
  both text encoders in transformers' naming (the single file holds encoder 2 in OpenCLIP naming with a stacked
  in_proj; a loader must map the q/k/v deltas onto its thirds).

Rank 4 and alpha 2 everywhere except: ``lora_te2_text_model_encoder_layers_1_mlp_fc1`` has no alpha (= rank, no
scaling) and ``lora_unet_middle_block_1_proj_out`` has rank 8, alpha 3.

The UNet side is what diffusers 0.21.4 does with the file: ``LoraLoaderMixin.lora_state_dict(lora,
unet_config=unet.config)`` (``_maybe_map_sgm_blocks_to_diffusers`` + ``_convert_kohya_lora_to_diffusers``), then
``load_lora_into_unet`` and ``unet.fuse_lora(lora_scale)``: ``W += scale * alpha / rank * up @ down`` (flattened
for convs) on the diffusers folder's UNet. diffusers 0.21.4 patches text encoders through transformers, which is
not used here; their merged weights apply the same formula to the names ``_convert_kohya_lora_to_diffusers``
gives (q/k/v/out -> q_proj/k_proj/v_proj/out_proj), with alpha / rank from the file as A1111 and kohya do.
(diffusers 0.21.4 loses the alpha of text-encoder MLP modules: its alpha key is built with ``.lora.`` after it
renamed that to ``.lora_linear_layer.``; A1111 applies it, and so does this reference.)

Reference keys (``lora.*``; inputs are those of ``mini-sdxl-reference/reference.safetensors``):

* ``lora.scale`` (0.8): the weight of ``<lora:mini-sdxl-lora:0.8>`` for both UNet and text encoders;
* ``lora.unet.out``: diffusers' UNet2DConditionModel with the LoRA fused at ``lora.scale`` on ``unet.in.sample``,
  ``unet.in.timesteps``, ``unet.in.context``, ``unet.in.text_embeds``, ``unet.in.time_ids``
  (its ``unet.out`` is the same without LoRA); ``lora.unet.base_out`` is the un-fused UNet here, for scale;
* ``lora.merged.unet.<diffusers key>``, ``lora.merged.text_encoder.<key>``, ``lora.merged.text_encoder_2.<key>``:
  a handful of merged weights in fp32 (attention, ff, proj, 3x3/1x1 convs, down/upsampler, time_emb_proj, and
  q/k/v/out/fc weights of both encoders).
"""
import re
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


RANK, ALPHA, SCALE = 4, 2.0, 0.8
SPECIAL = {"lora_te2_text_model_encoder_layers_1_mlp_fc1": (4, None),
           "lora_unet_middle_block_1_proj_out": (8, 3.0)}

# diffusers name -> SGM name of the block that holds it, for the modules the LoRA covers
TRANSFORMER_BLOCKS = {"input_blocks_4_1": 1, "input_blocks_5_1": 1, "input_blocks_7_1": 2, "input_blocks_8_1": 2,
                      "middle_block_1": 2, "output_blocks_0_1": 2, "output_blocks_1_1": 2, "output_blocks_2_1": 2,
                      "output_blocks_3_1": 1, "output_blocks_4_1": 1, "output_blocks_5_1": 1}
RESNETS = ["input_blocks_1_0", "input_blocks_2_0", "input_blocks_4_0", "input_blocks_5_0", "input_blocks_7_0",
           "input_blocks_8_0", "middle_block_0", "middle_block_2"] + [f"output_blocks_{i}_0" for i in range(9)]
CHECKED_UNET = ["down_blocks.1.attentions.0.transformer_blocks.0.attn1.to_q.weight",
                "mid_block.attentions.0.transformer_blocks.1.attn2.to_out.0.weight",
                "up_blocks.0.attentions.2.proj_in.weight",
                "mid_block.attentions.0.proj_out.weight",
                "down_blocks.2.attentions.1.transformer_blocks.1.ff.net.0.proj.weight",
                "down_blocks.0.resnets.0.conv1.weight",
                "up_blocks.1.resnets.0.conv_shortcut.weight",
                "down_blocks.1.resnets.0.time_emb_proj.weight",
                "down_blocks.0.downsamplers.0.conv.weight",
                "up_blocks.0.upsamplers.0.conv.weight"]
CHECKED_TEXT = {"text_encoder": ["text_model.encoder.layers.1.self_attn.q_proj.weight",
                                 "text_model.encoder.layers.2.mlp.fc2.weight"],
                "text_encoder_2": ["text_model.encoder.layers.0.self_attn.k_proj.weight",
                                   "text_model.encoder.layers.1.self_attn.v_proj.weight",
                                   "text_model.encoder.layers.2.self_attn.out_proj.weight",
                                   "text_model.encoder.layers.1.mlp.fc1.weight"]}


def module_names(text_layers):
    names = []
    for block, depth in TRANSFORMER_BLOCKS.items():
        names += [f"lora_unet_{block}_proj_in", f"lora_unet_{block}_proj_out"]
        for t in range(depth):
            p = f"lora_unet_{block}_transformer_blocks_{t}_"
            names += [p + f"{a}_{m}" for a in ("attn1", "attn2") for m in ("to_q", "to_k", "to_v", "to_out_0")]
            names += [p + "ff_net_0_proj", p + "ff_net_2"]
    for block in RESNETS:
        names += [f"lora_unet_{block}_{m}" for m in ("in_layers_2", "out_layers_3", "emb_layers_1")]
    names += ["lora_unet_input_blocks_7_0_skip_connection"] + [f"lora_unet_output_blocks_{i}_0_skip_connection"
                                                               for i in range(9)]
    names += ["lora_unet_input_blocks_3_0_op", "lora_unet_output_blocks_2_2_conv"]
    for te in ("te1", "te2"):
        for layer in range(text_layers):
            p = f"lora_{te}_text_model_encoder_layers_{layer}_"
            names += [p + f"self_attn_{m}_proj" for m in ("q", "k", "v", "out")] + [p + "mlp_fc1", p + "mlp_fc2"]
    return names


def main(ldm, diffusers_src, out_dir):
    stub_hub()
    sys.path.insert(0, diffusers_src)
    from diffusers.loaders import LoraLoaderMixin
    from diffusers.models.unet_2d_condition import UNet2DConditionModel
    from safetensors.torch import load_file, save_file

    folder = f"{ldm}/mini-sdxl"
    unet = UNet2DConditionModel.from_config(UNet2DConditionModel.load_config(f"{folder}/unet"))
    unet.load_state_dict(load_file(f"{folder}/unet/diffusion_pytorch_model.safetensors"))
    unet.eval()
    base = {"unet": {k: v.clone() for k, v in unet.state_dict().items()},
            "text_encoder": load_file(f"{folder}/text_encoder/model.safetensors"),
            "text_encoder_2": load_file(f"{folder}/text_encoder_2/model.safetensors")}

    # 1. random up/down pairs shaped after the weight diffusers' own conversion maps each module name onto
    generator = torch.Generator().manual_seed(1234)
    names = module_names(3)
    lora = {}
    for n in names:
        model, key = target_weight(n, unet.config)
        w = base[model][key]
        rank, alpha = SPECIAL.get(n, (RANK, ALPHA))
        kernel = tuple(w.shape[2:])
        fan_in = w[0].numel()
        down = torch.randn((rank, w.shape[1]) + kernel, generator=generator) / fan_in ** 0.5
        up = torch.randn((w.shape[0], rank) + tuple(1 for _ in kernel), generator=generator) * 0.25
        lora[n + ".lora_down.weight"] = down.half()
        lora[n + ".lora_up.weight"] = up.half()
        if alpha is not None:
            lora[n + ".alpha"] = torch.tensor(alpha, dtype=torch.float16)
    save_file(lora, f"{out_dir}/mini-sdxl-lora.safetensors")

    # 2. diffusers: the UNet as diffusers loads and fuses the file
    state, alphas = LoraLoaderMixin.lora_state_dict(load_file(f"{out_dir}/mini-sdxl-lora.safetensors"),
                                                    unet_config=unet.config)
    state = {k: v.float() for k, v in state.items()}
    reference = load_file(f"{ldm}/mini-sdxl-reference/reference.safetensors")
    inputs = dict(sample=reference["unet.in.sample"], timestep=reference["unet.in.timesteps"],
                  encoder_hidden_states=reference["unet.in.context"],
                  added_cond_kwargs={"text_embeds": reference["unet.in.text_embeds"],
                                     "time_ids": reference["unet.in.time_ids"]})
    with torch.no_grad():
        base_out = unet(**inputs).sample
        LoraLoaderMixin.load_lora_into_unet(state, alphas, unet)
        unet.fuse_lora(SCALE)
        lora_out = unet(**inputs).sample
    print("unet.out (diffusers, no LoRA) vs fixture:", rel(base_out, reference["unet.out"]))
    print("LoRA moves unet.out by", rel(lora_out, base_out))
    fused = unet.state_dict()

    # 3. the same formula by hand on every module: checks that diffusers applied every one, with alpha / rank
    result = {"lora.scale": torch.tensor(SCALE, dtype=torch.float32), "lora.unet.out": lora_out.contiguous(),
              "lora.unet.base_out": base_out.contiguous()}
    worst = 0.0
    for n in names:
        model, key = target_weight(n, unet.config)
        merged = merge(base[model][key], lora, n)
        if model == "unet":
            fused_w = fused[key]
            worst = max(worst, (fused_w - merged).abs().max().item())
            assert not torch.equal(fused_w, base[model][key]), "diffusers did not apply " + n
        if key in (CHECKED_UNET if model == "unet" else CHECKED_TEXT[model]):
            result[f"lora.merged.{model}.{key}"] = (fused[key] if model == "unet" else merged).contiguous()
    print("diffusers fuse_lora vs W + s*alpha/rank*up@down, max abs diff:", worst)
    assert len([k for k in result if k.startswith("lora.merged.")]) == len(CHECKED_UNET) + 6
    save_file(result, f"{out_dir}/mini-sdxl-lora-reference.safetensors")


def target_weight(name, unet_config):
    """(model, weight key) for a kohya module, through diffusers' own conversion of its name."""
    from diffusers.loaders import LoraLoaderMixin
    fake = {name + ".lora_down.weight": torch.zeros(1), name + ".lora_up.weight": torch.zeros(1)}
    converted, _ = LoraLoaderMixin.lora_state_dict(fake, unet_config=unet_config)
    key = next(k for k in converted if ".down." in k)
    model, rest = key.split(".", 1)
    rest = re.sub(r"(_lora|\.lora_linear_layer|\.lora)\.down\.weight$", "", rest.replace(".processor.", "."))
    if model == "unet":
        rest = re.sub(r"to_out$", "to_out.0", rest)
    else:
        rest = re.sub(r"to_(q|k|v|out)$", r"\1_proj", rest)
    return model, rest + ".weight"


def merge(w, lora, name):
    down = lora[name + ".lora_down.weight"].float()
    up = lora[name + ".lora_up.weight"].float()
    rank = down.shape[0]
    alpha = lora[name + ".alpha"].float().item() if name + ".alpha" in lora else rank
    delta = torch.mm(up.flatten(start_dim=1), down.flatten(start_dim=1)).reshape(w.shape)
    return w.float() + SCALE * alpha / rank * delta


def rel(a, b):
    return ((a - b).norm() / b.norm()).item()


if __name__ == "__main__":
    main(*sys.argv[1:4])
