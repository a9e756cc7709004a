"""Writes A1111-format textual-inversion embeddings (torch.save of Embedding.save's dict, as A1111 writes them) whose
vectors are rows of mini-sd15's own token-embedding table: `red-apple.pt` holds the rows of "red" and "apple" (2
vectors), `red.pt` the row of "red" (1 vector). Used by TextualInversionTest: writing the embedding's name must give
exactly the conditioning and image of those words. `red-concept.bin` is the row of "red" as diffusers' textual-inversion
training saves learned_embeds.bin ({placeholder: 1-D tensor}). Run from this folder: python3 make_embeddings.py"""
import json
import struct
import numpy as np
import torch

LDM = "../../../../../../shared/fixtures/ldm/mini-sd15"


def read_safetensors(path, key):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        info = header[key]
        assert info["dtype"] == "F32", info["dtype"]
        begin, end = info["data_offsets"]
        f.seek(8 + n + begin)
        return torch.from_numpy(np.frombuffer(f.read(end - begin), dtype="<f4").reshape(info["shape"]).copy())


table = read_safetensors(LDM + "/text_encoder/model.safetensors", "text_model.embeddings.token_embedding.weight")
vocab = json.load(open(LDM + "/tokenizer/vocab.json", encoding="utf8"))


def save(words, file):
    vec = torch.stack([table[vocab[w + "</w>"]] for w in words])
    torch.save({"string_to_token": {"*": 265}, "string_to_param": {"*": vec}, "name": file[:-3], "step": 0,
                "sd_checkpoint": None, "sd_checkpoint_name": None}, file)


save(["red", "apple"], "red-apple.pt")
save(["red"], "red.pt")
torch.save({"<red-concept>": table[vocab["red</w>"]].clone()}, "red-concept.bin")
