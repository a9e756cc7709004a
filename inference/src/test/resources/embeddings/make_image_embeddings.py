"""A1111's image embeddings (.png / .webp) of mini-sd15's own token rows, written by A1111's encoder code
(modules/textual_inversion/image_embedding.py: EmbeddingEncoder, embedding_to_b64, lcg, xor_block, style_block,
insert_image_data_embed, copied below unchanged; A1111 saves training embeddings this way, the JSON in the PNG text
chunk "sd-ti-embedding" and the zlib'd JSON hidden in the pixels of two side blocks).

* ``red-apple.png``: rows of "red" and "apple" (twin of ``red-apple.pt``), text chunk AND pixel data, as A1111 writes;
* ``red-apple-pixels.png``: the same image without its text chunk (the pixel data alone);
* ``red-chunk.png``: row of "red" (twin of ``red.pt``) in the text chunk of a plain picture (no pixel data);
* ``red-pixels.webp``: row of "red", pixel data only, lossless WebP (A1111 also reads .webp);
* ``ordinary.png``: a picture with no embedding (A1111 skips it as a preview image).

Run from this folder: python3 make_image_embeddings.py (Debian torch 1.13, python3-pil; fixed seeds). Importing
make_embeddings rewrites its own files, byte-identical.
"""
import base64
import json
import zlib

import numpy as np
import torch
from PIL import Image, ImageDraw, PngImagePlugin

from make_embeddings import table, vocab


# ---- copied from A1111 modules/textual_inversion/image_embedding.py ----
class EmbeddingEncoder(json.JSONEncoder):
    def default(self, obj):
        if isinstance(obj, torch.Tensor):
            return {'TORCHTENSOR': obj.cpu().detach().numpy().tolist()}
        return json.JSONEncoder.default(self, obj)


def embedding_to_b64(data):
    d = json.dumps(data, cls=EmbeddingEncoder)
    return base64.b64encode(d.encode())


def lcg(m=2**32, a=1664525, c=1013904223, seed=0):
    while True:
        seed = (a * seed + c) % m
        yield seed % 255


def xor_block(block):
    g = lcg()
    randblock = np.array([next(g) for _ in range(np.prod(block.shape))]).astype(np.uint8).reshape(block.shape)
    return np.bitwise_xor(block.astype(np.uint8), randblock & 0x0F)


def style_block(block, sequence):
    im = Image.new('RGB', (block.shape[1], block.shape[0]))
    draw = ImageDraw.Draw(im)
    i = 0
    for x in range(-6, im.size[0], 8):
        for yi, y in enumerate(range(-6, im.size[1], 8)):
            offset = 0
            if yi % 2 == 0:
                offset = 4
            shade = sequence[i % len(sequence)]
            i += 1
            draw.ellipse((x+offset, y, x+6+offset, y+6), fill=(shade, shade, shade))

    fg = np.array(im).astype(np.uint8) & 0xF0

    return block ^ fg


def insert_image_data_embed(image, data):
    d = 3
    data_compressed = zlib.compress(json.dumps(data, cls=EmbeddingEncoder).encode(), level=9)
    data_np_ = np.frombuffer(data_compressed, np.uint8).copy()
    data_np_high = data_np_ >> 4
    data_np_low = data_np_ & 0x0F

    h = image.size[1]
    next_size = data_np_low.shape[0] + (h-(data_np_low.shape[0] % h))
    next_size = next_size + ((h*d)-(next_size % (h*d)))

    data_np_low = np.resize(data_np_low, next_size)
    data_np_low = data_np_low.reshape((h, -1, d))

    data_np_high = np.resize(data_np_high, next_size)
    data_np_high = data_np_high.reshape((h, -1, d))

    edge_style = list(data['string_to_param'].values())[0].cpu().detach().numpy().tolist()[0][:1024]
    edge_style = (np.abs(edge_style)/np.max(np.abs(edge_style))*255).astype(np.uint8)

    data_np_low = style_block(data_np_low, sequence=edge_style)
    data_np_low = xor_block(data_np_low)
    data_np_high = style_block(data_np_high, sequence=edge_style[::-1])
    data_np_high = xor_block(data_np_high)

    im_low = Image.fromarray(data_np_low, mode='RGB')
    im_high = Image.fromarray(data_np_high, mode='RGB')

    background = Image.new('RGB', (image.size[0]+im_low.size[0]+im_high.size[0]+2, image.size[1]), (0, 0, 0))
    background.paste(im_low, (0, 0))
    background.paste(image, (im_low.size[0]+1, 0))
    background.paste(im_high, (im_low.size[0]+1+image.size[0]+1, 0))

    return background
# ---- end of copy ----


def data(words, name):
    # what A1111's Embedding.save puts in its PNG (textual_inversion.py, train_embedding)
    vec = torch.stack([table[vocab[w + "</w>"]] for w in words])
    return {"string_to_token": {"*": 265}, "string_to_param": {"*": vec}, "name": name, "step": 0,
            "sd_checkpoint": None, "sd_checkpoint_name": None}


def picture(seed):
    # a plain picture with no black column (the data blocks are told apart by the black columns around them)
    rng = np.random.RandomState(seed)
    return Image.fromarray(rng.randint(16, 256, size=(48, 40, 3)).astype(np.uint8), mode="RGB")


def with_chunk(image, d):
    info = PngImagePlugin.PngInfo()
    info.add_text("sd-ti-embedding", embedding_to_b64(d))
    return info


fruit = data(["red", "apple"], "red-apple")
embedded = insert_image_data_embed(picture(1), fruit)
embedded.save("red-apple.png", pnginfo=with_chunk(embedded, fruit))
embedded.save("red-apple-pixels.png")
red = data(["red"], "red")
plain = picture(2)
plain.save("red-chunk.png", pnginfo=with_chunk(plain, red))
insert_image_data_embed(picture(3), red).save("red-pixels.webp", lossless=True, quality=100)
picture(4).save("ordinary.png")
