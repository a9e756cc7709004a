"""Reference outputs for the Java upscalers (Debian's python3-torch 1.13). Run here: python3 make_upscaler_refs.py

RRDBNet (ESRGAN, Real-ESRGAN x4plus/x2plus) and SRVGGNetCompact (Real-ESRGAN's compact net) copied from their
reference code (XPixelGroup/BasicSR basicsr/archs/rrdbnet_arch.py, xinntao/Real-ESRGAN realesrgan/archs/srvgg_arch.py)
with small random weights. Writes:
  tiny-rrdb-x4.safetensors   BasicSR layout, under params_ema. (as Real-ESRGAN releases wrap it)
  tiny-rrdb-x2.safetensors   BasicSR layout, x2 (pixel-unshuffle input)
  tiny-esrgan-old-x4.pth     the same x4 net in the original ESRGAN key layout (model.N...), torch.save pickle
  tiny-srvgg-x4.safetensors  SRVGGNetCompact with PReLU
  upscaler-refs.safetensors  input image and each net's output
"""
import collections
import json
import struct

import torch
from torch import nn
from torch.nn import functional as F

torch.manual_seed(1234)


def pixel_unshuffle(x, scale):
    b, c, hh, hw = x.size()
    h, w = hh // scale, hw // scale
    return x.view(b, c, h, scale, w, scale).permute(0, 1, 3, 5, 2, 4).reshape(b, c * scale * scale, h, w)


class ResidualDenseBlock(nn.Module):
    def __init__(self, num_feat, num_grow_ch):
        super().__init__()
        self.conv1 = nn.Conv2d(num_feat, num_grow_ch, 3, 1, 1)
        self.conv2 = nn.Conv2d(num_feat + num_grow_ch, num_grow_ch, 3, 1, 1)
        self.conv3 = nn.Conv2d(num_feat + 2 * num_grow_ch, num_grow_ch, 3, 1, 1)
        self.conv4 = nn.Conv2d(num_feat + 3 * num_grow_ch, num_grow_ch, 3, 1, 1)
        self.conv5 = nn.Conv2d(num_feat + 4 * num_grow_ch, num_feat, 3, 1, 1)
        self.lrelu = nn.LeakyReLU(negative_slope=0.2, inplace=True)

    def forward(self, x):
        x1 = self.lrelu(self.conv1(x))
        x2 = self.lrelu(self.conv2(torch.cat((x, x1), 1)))
        x3 = self.lrelu(self.conv3(torch.cat((x, x1, x2), 1)))
        x4 = self.lrelu(self.conv4(torch.cat((x, x1, x2, x3), 1)))
        x5 = self.conv5(torch.cat((x, x1, x2, x3, x4), 1))
        return x5 * 0.2 + x


class RRDB(nn.Module):
    def __init__(self, num_feat, num_grow_ch):
        super().__init__()
        self.rdb1 = ResidualDenseBlock(num_feat, num_grow_ch)
        self.rdb2 = ResidualDenseBlock(num_feat, num_grow_ch)
        self.rdb3 = ResidualDenseBlock(num_feat, num_grow_ch)

    def forward(self, x):
        return self.rdb3(self.rdb2(self.rdb1(x))) * 0.2 + x


class RRDBNet(nn.Module):
    def __init__(self, num_in_ch, num_out_ch, scale=4, num_feat=64, num_block=23, num_grow_ch=32):
        super().__init__()
        self.scale = scale
        if scale == 2:
            num_in_ch = num_in_ch * 4
        elif scale == 1:
            num_in_ch = num_in_ch * 16
        self.conv_first = nn.Conv2d(num_in_ch, num_feat, 3, 1, 1)
        self.body = nn.Sequential(*[RRDB(num_feat, num_grow_ch) for _ in range(num_block)])
        self.conv_body = nn.Conv2d(num_feat, num_feat, 3, 1, 1)
        self.conv_up1 = nn.Conv2d(num_feat, num_feat, 3, 1, 1)
        self.conv_up2 = nn.Conv2d(num_feat, num_feat, 3, 1, 1)
        self.conv_hr = nn.Conv2d(num_feat, num_feat, 3, 1, 1)
        self.conv_last = nn.Conv2d(num_feat, num_out_ch, 3, 1, 1)
        self.lrelu = nn.LeakyReLU(negative_slope=0.2, inplace=True)

    def forward(self, x):
        if self.scale == 2:
            feat = pixel_unshuffle(x, scale=2)
        elif self.scale == 1:
            feat = pixel_unshuffle(x, scale=4)
        else:
            feat = x
        feat = self.conv_first(feat)
        body_feat = self.conv_body(self.body(feat))
        feat = feat + body_feat
        feat = self.lrelu(self.conv_up1(F.interpolate(feat, scale_factor=2, mode='nearest')))
        feat = self.lrelu(self.conv_up2(F.interpolate(feat, scale_factor=2, mode='nearest')))
        return self.conv_last(self.lrelu(self.conv_hr(feat)))


class SRVGGNetCompact(nn.Module):
    def __init__(self, num_in_ch=3, num_out_ch=3, num_feat=64, num_conv=16, upscale=4):
        super().__init__()
        self.upscale = upscale
        self.body = nn.ModuleList()
        self.body.append(nn.Conv2d(num_in_ch, num_feat, 3, 1, 1))
        self.body.append(nn.PReLU(num_parameters=num_feat))
        for _ in range(num_conv):
            self.body.append(nn.Conv2d(num_feat, num_feat, 3, 1, 1))
            self.body.append(nn.PReLU(num_parameters=num_feat))
        self.body.append(nn.Conv2d(num_feat, num_out_ch * upscale * upscale, 3, 1, 1))
        self.upsampler = nn.PixelShuffle(upscale)

    def forward(self, x):
        out = x
        for layer in self.body:
            out = layer(out)
        out = self.upsampler(out)
        return out + F.interpolate(x, scale_factor=self.upscale, mode='nearest')


def randomize(net):
    with torch.no_grad():
        for name, p in net.named_parameters():
            if p.dim() == 1 and "body" in name and p.shape[0] == 8 and name.endswith("weight"):
                p.uniform_(0.05, 0.3)  # PReLU slopes
            else:
                p.normal_(0, 0.08)


def write_safetensors(path, tensors):
    names = sorted(tensors)
    header, blobs, offset = {}, [], 0
    for name in names:
        raw = tensors[name].detach().contiguous().float().numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def old_esrgan_keys(state, num_block):
    """BasicSR names -> the original ESRGAN repository's (model.0, model.1.sub.N.RDBk.convj.0, ...)."""
    out = collections.OrderedDict()
    fixed = {"conv_first": "model.0", "conv_body": f"model.1.sub.{num_block}", "conv_up1": "model.3",
             "conv_up2": "model.6", "conv_hr": "model.8", "conv_last": "model.10"}
    for k, v in state.items():
        head, _, tail = k.rpartition(".")
        if head in fixed:
            out[fixed[head] + "." + tail] = v
        else:  # body.i.rdbk.convj.weight
            _, i, rdb, conv, t = k.split(".")
            out[f"model.1.sub.{i}.RDB{rdb[3:]}.{conv}.0.{t}"] = v
    return out


image = torch.rand(1, 3, 12, 16)
refs = {"input": image}
with torch.no_grad():
    x4 = RRDBNet(3, 3, scale=4, num_feat=8, num_block=2, num_grow_ch=4)
    randomize(x4)
    refs["rrdb-x4"] = x4(image)
    write_safetensors("tiny-rrdb-x4.safetensors", {"params_ema." + k: v for k, v in x4.state_dict().items()})
    torch.save(old_esrgan_keys(x4.state_dict(), 2), "tiny-esrgan-old-x4.pth")

    x2 = RRDBNet(3, 3, scale=2, num_feat=8, num_block=1, num_grow_ch=4)
    randomize(x2)
    refs["rrdb-x2"] = x2(image)
    write_safetensors("tiny-rrdb-x2.safetensors", x2.state_dict())

    compact = SRVGGNetCompact(num_feat=8, num_conv=3, upscale=4)
    randomize(compact)
    refs["srvgg-x4"] = compact(image)
    write_safetensors("tiny-srvgg-x4.safetensors", {"params." + k: v for k, v in compact.state_dict().items()})
write_safetensors("upscaler-refs.safetensors", refs)
for k, v in refs.items():
    print(k, tuple(v.shape), float(v.min()), float(v.max()))
