#!/usr/bin/env python3
"""OpenCV's Canny as A1111's ControlNet "canny" preprocessor calls it: ``cv2.Canny(img, low, high)`` on the RGB
uint8 image (3 channels: OpenCV takes, per pixel, the channel with the largest L1 gradient; L2gradient off).

    python3 -m venv /tmp/cvenv && /tmp/cvenv/bin/pip install numpy opencv-python-headless
    /tmp/cvenv/bin/python make_canny_refs.py .

Last run: numpy 2.1.3, opencv-python-headless 4.14.0.94. Writes ``canny-refs.safetensors``: ``image`` [40,48,3] u8
(a gradient, a disc, a rectangle and seeded noise), ``edges.100.200`` and ``edges.50.120`` [40,48] u8 (0 or 255).
"""
import json
import struct
import sys

import cv2
import numpy as np


def write_safetensors(path, arrays):
    header, blobs, offset = {}, [], 0
    for name in sorted(arrays):
        raw = np.ascontiguousarray(arrays[name]).tobytes()
        header[name] = {"dtype": "U8", "shape": list(arrays[name].shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def main(out_dir):
    rng = np.random.default_rng(1234)
    h, w = 40, 48
    yy, xx = np.mgrid[0:h, 0:w]
    image = np.zeros((h, w, 3), np.float64)
    image[..., 0] = xx * 5
    image[..., 1] = 40 + 150 * (((xx - 30) ** 2 + (yy - 18) ** 2) < 11 ** 2)
    image[..., 2] = 200 * ((xx > 5) & (xx < 20) & (yy > 22) & (yy < 35))
    image += rng.normal(0, 12, image.shape)
    image = np.clip(np.rint(image), 0, 255).astype(np.uint8)
    arrays = {"image": image}
    for low, high in ((100, 200), (50, 120)):
        arrays[f"edges.{low}.{high}"] = cv2.Canny(image, low, high)
    write_safetensors(f"{out_dir}/canny-refs.safetensors", arrays)
    print({k: int((v > 0).sum()) for k, v in arrays.items() if k.startswith("edges")})


if __name__ == "__main__":
    main(sys.argv[1])
