package dev.sdbot.inference.weights.pickled;

import dev.sdbot.inference.weights.CheckpointException;
import dev.sdbot.inference.weights.pickled.PickleValues.Tensor;

import java.util.Arrays;

/** A tensor's elements in row-major order, copied out of its storage's bytes (a slice when the view is contiguous). */
final class StridedCopy {
    private StridedCopy() {
    }

    static byte[] contiguous(Tensor tensor, byte[] storage) {
        int element = tensor.storage().dtype().bytes;
        long numel = tensor.numel();
        if (numel * element > Integer.MAX_VALUE - 16) {
            throw new CheckpointException("a tensor larger than 2 GiB cannot be converted");
        }
        long start = tensor.offset() * element;
        if (numel == 0) {
            return new byte[0];
        }
        if (isContiguous(tensor)) {
            return Arrays.copyOfRange(storage, (int) start, (int) (start + numel * element));
        }
        byte[] out = new byte[(int) (numel * element)];
        long[] size = tensor.size();
        long[] index = new long[size.length];
        for (long i = 0; i < numel; i++) {
            long source = tensor.offset();
            for (int d = 0; d < size.length; d++) {
                source += index[d] * tensor.stride()[d];
            }
            System.arraycopy(storage, (int) (source * element), out, (int) (i * element), element);
            for (int d = size.length - 1; d >= 0 && ++index[d] == size[d]; d--) {
                index[d] = 0;
            }
        }
        return out;
    }

    private static boolean isContiguous(Tensor tensor) {
        long expected = 1;
        for (int d = tensor.size().length - 1; d >= 0; d--) {
            if (tensor.size()[d] != 1 && tensor.stride()[d] != expected) {
                return false;
            }
            expected *= tensor.size()[d];
        }
        return true;
    }
}
