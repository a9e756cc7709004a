package dev.sdbot.inference.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * libtorch's fused {@code scaled_dot_product_attention} (its flash kernel on CPU, flash/memory-efficient on CUDA),
 * which DJL 0.36 does not bind: a weight-free TorchScript module whose methods call it is written here as a
 * TorchScript archive (its source is compiled by libtorch when DJL loads it) and called per attention. The module
 * has no tensors of its own, so one instance serves every device.
 */
final class FusedAttention {
    /** The TorchScript source: {@code forward} without a mask, {@code masked} with an additive float mask. */
    private static final String SOURCE = """
            class Sdpa(Module):
              __parameters__ = []
              __buffers__ = []
              training : bool
              def forward(self: __torch__.Sdpa, q: Tensor, k: Tensor, v: Tensor) -> Tensor:
                return torch.scaled_dot_product_attention(q, k, v)
              def masked(self: __torch__.Sdpa, q: Tensor, k: Tensor, v: Tensor, mask: Tensor) -> Tensor:
                return torch.scaled_dot_product_attention(q, k, v, mask)
            """;

    private static PtSymbolBlock module;

    private FusedAttention() {
    }

    /**
     * @param q    (B, heads, Lq, d), any strides
     * @param k    (B, heads, Lk, d)
     * @param v    (B, heads, Lk, d)
     * @param mask additive mask broadcastable to (B, heads, Lq, Lk), or null
     * @return (B, heads, Lq, d), attached to {@code q}'s manager
     */
    static NDArray attend(NDArray q, NDArray k, NDArray v, NDArray mask) {
        PtSymbolBlock sdpa = module();
        IValue[] args = mask == null
                ? new IValue[]{tensor(q), tensor(k), tensor(v)}
                : new IValue[]{tensor(q), tensor(k), tensor(v), tensor(mask)};
        try (IValue result = mask == null ? IValueUtils.forward(sdpa, args) : IValueUtils.runMethod(sdpa, "masked", args)) {
            return result.toTensor((PtNDManager) q.getManager());
        } finally {
            for (IValue arg : args) {
                arg.close();
            }
        }
    }

    private static IValue tensor(NDArray a) {
        return IValue.from((PtNDArray) a);
    }

    private static synchronized PtSymbolBlock module() {
        if (module == null) {
            PtNDManager system = (PtNDManager) NDManager.newBaseManager(Device.cpu());
            try {
                module = JniUtils.loadModule(system, new ByteArrayInputStream(archive()), false, false);
            } catch (IOException e) {
                throw new UncheckedIOException("could not load the fused attention module", e);
            }
        }
        return module;
    }

    /** The TorchScript zip as {@code torch.jit.save} writes it for a module with no attributes but {@code training}. */
    static byte[] archive() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            entry(zip, "sdpa/data.pkl", dataPickle());
            entry(zip, "sdpa/code/__torch__.py", SOURCE.getBytes(StandardCharsets.UTF_8));
            entry(zip, "sdpa/constants.pkl", new byte[]{(byte) 0x80, 2, ')', '.'}); // protocol 2, empty tuple, stop
            entry(zip, "sdpa/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Pickle (protocol 2) of {@code __torch__.Sdpa} with state {@code {"training": False}}. */
    private static byte[] dataPickle() {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(0x80);
        p.write(2);
        p.writeBytes("c__torch__\nSdpa\n".getBytes(StandardCharsets.US_ASCII)); // GLOBAL
        p.write(')'); // EMPTY_TUPLE
        p.write(0x81); // NEWOBJ
        p.write('}'); // EMPTY_DICT
        byte[] key = "training".getBytes(StandardCharsets.US_ASCII);
        p.write('X'); // BINUNICODE, little-endian length
        p.write(key.length);
        p.write(0);
        p.write(0);
        p.write(0);
        p.writeBytes(key);
        p.write(0x89); // NEWFALSE
        p.write('s'); // SETITEM
        p.write('b'); // BUILD
        p.write('.'); // STOP
        return p.toByteArray();
    }

    private static void entry(ZipOutputStream zip, String name, byte[] content) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(content);
        zip.closeEntry();
    }
}
