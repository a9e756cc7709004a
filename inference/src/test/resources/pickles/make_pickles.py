"""Makes the pickled-weights test files (Debian's python3-torch 1.13). Run here: python3 make_pickles.py

state.pt / state.safetensors: one state dict saved by torch.save and, by hand, as its safetensors twin.
evil-*.pt: archives whose pickle asks for more than weights; the Java reader must refuse each without running it.
"""
import collections
import io
import json
import os
import pickle
import struct
import zipfile

import torch

torch.manual_seed(0)
MARKER = "/tmp/sdbot-pickle-test-executed"


def safetensors_twin(path, tensors, metadata):
    names = sorted(tensors)
    header, blobs, offset = {}, [], 0
    dtypes = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.int64: "I64"}
    for name in names:
        t = tensors[name].contiguous()
        raw = (t.view(torch.int16) if t.dtype == torch.bfloat16 else t).numpy().tobytes()
        header[name] = {"dtype": dtypes[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


# A Lightning-style checkpoint: {"state_dict": ..., "global_step": ...}; views, a tied weight, a Parameter, fp16, bf16.
base = torch.randn(6, 4)
state = collections.OrderedDict()
state["model.linear.weight"] = base
state["model.linear.weight_t"] = base.t()  # a transposed view of the same storage
state["model.tied.weight"] = base  # shares the storage
state["model.half"] = torch.randn(3, 5).half()
state["model.bf16"] = torch.randn(2, 3).to(torch.bfloat16)
state["model.param"] = torch.nn.Parameter(torch.randn(7))
state["model.row"] = torch.randn(5, 8)[2]  # offset into a bigger storage
state["model.steps"] = torch.arange(4, dtype=torch.int64)
state["model.scalar"] = torch.tensor(1.5)
torch.save({"state_dict": state, "global_step": 1234, "epoch": 3}, "state.pt")
safetensors_twin("state.safetensors", {k: v.detach() for k, v in state.items()},
                 {"global_step": "1234", "epoch": "3"})

# An A1111 textual-inversion embedding: nested dicts, ints and strings beside the tensor.
torch.save({"string_to_token": {"*": 265}, "string_to_param": {"*": torch.randn(2, 8)}, "name": "tiny-emb",
            "step": 100}, "embedding.pt")


class Shell:
    def __reduce__(self):
        return (os.system, ("touch " + MARKER,))


class Evaluator:
    def __reduce__(self):
        return (eval, ("__import__('os').system('touch " + MARKER + "')",))


torch.save({"weight": torch.randn(2), "payload": Shell()}, "evil-os-system.pt")
torch.save({"a": {"b": [torch.randn(2), {"c": Evaluator()}]}}, "evil-nested-global.pt")
torch.save({"weight": torch.randn(2), "payload": Shell()}, "evil-stack-global.pt", pickle_protocol=4)
torch.save({"weight": torch.randn(2)}, "legacy.pt", _use_new_zipfile_serialization=False)


def archive(name, program, extra=()):
    with zipfile.ZipFile(name, "w", zipfile.ZIP_STORED) as z:
        z.writestr("archive/data.pkl", program)
        z.writestr("archive/version", b"3\n")
        for entry, data in extra:
            z.writestr(entry, data)


def proto2(body):
    return b"\x80\x02" + body + b"."


# A memo lookup of a slot never written.
archive("evil-memo.pt", proto2(b"h\x07"))
# An object built by INST (protocol 0): the class is never looked up, the opcode alone is refused.
archive("evil-inst.pt", b"(i__main__\nEvil\n.")
# An extension-registry opcode.
archive("evil-ext.pt", proto2(b"\x82\x01"))
# A valid state dict, plus an entry that climbs out of the archive.
ok = io.BytesIO()
pickle.dump({"x": 1}, ok, protocol=2)
archive("evil-zip-slip.pt", ok.getvalue(), [("../../outside.txt", b"owned")])


def rebuild(numel, size, stride):
    """{'w': _rebuild_tensor_v2(storage('0', numel), 0, size, stride, False, OrderedDict())}"""
    def tup(xs):
        return b"(" + b"".join(b"\x8a\x08" + struct.pack("<q", x) for x in xs) + b"t"
    pid = b"(X\x07\x00\x00\x00storagectorch\nFloatStorage\nX\x01\x00\x00\x000X\x03\x00\x00\x00cpu" + \
          b"\x8a\x08" + struct.pack("<q", numel) + b"tQ"
    call = b"ctorch._utils\n_rebuild_tensor_v2\n(" + pid + b"K\x00" + tup(size) + tup(stride) + \
           b"\x89ccollections\nOrderedDict\n)RtR"
    return proto2(b"}X\x01\x00\x00\x00w" + call + b"s")


# A storage declaring 2^40 floats over a 16-byte entry.
archive("evil-huge-storage.pt", rebuild(1 << 40, [4], [1]), [("archive/data/0", b"\x00" * 16)])
# A view of 2^31 x 2^31 elements over a 4-float storage.
archive("evil-huge-view.pt", rebuild(4, [1 << 31, 1 << 31], [1 << 31, 1]), [("archive/data/0", b"\x00" * 16)])
# A well-formed tensor for contrast: the same program with honest sizes loads.
archive("small-handmade.pt", rebuild(4, [2, 2], [2, 1]), [("archive/data/0", struct.pack("<4f", 1, 2, 3, 4))])
# BUILD giving an OrderedDict a tuple state (object.__setstate__ on arbitrary state).
archive("evil-build.pt", proto2(b"ccollections\nOrderedDict\n)R(K\x01tb"))


def read_safetensors(path):
    """The tensors of a safetensors file (torch 1.13 has no reader; the format is a JSON header and raw bytes)."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    dtypes = {"F32": torch.float32, "F16": torch.float16, "I64": torch.int64}
    out = collections.OrderedDict()
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        t = torch.frombuffer(bytearray(data[begin:end]), dtype=dtypes[info["dtype"]]) if end > begin \
            else torch.zeros(0, dtype=dtypes[info["dtype"]])
        out[name] = t.reshape(info["shape"]).clone()
    return out


# A LoRA as the community still shares many, a kohya state dict saved with torch.save: a few modules of the fixture
# LoRA (text encoder layer 0 and the UNet's mid block), with its safetensors twin, both small.
fixtures = os.environ.get("SDBOT_FIXTURES", os.path.join(os.path.dirname(__file__), "../../../../../../shared/fixtures/ldm"))
lora = read_safetensors(os.path.join(fixtures, "mini-sd15-lora.safetensors"))
subset = collections.OrderedDict((k, v) for k, v in lora.items()
                                 if k.startswith("lora_te_text_model_encoder_layers_0_") or "mid_block" in k)
torch.save(subset, "subset-lora.pt")
safetensors_twin("subset-lora.safetensors", subset, {})
