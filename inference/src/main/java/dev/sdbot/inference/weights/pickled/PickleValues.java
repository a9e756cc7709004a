package dev.sdbot.inference.weights.pickled;

import java.util.List;

/** The values a restricted pickle program can build besides strings, numbers, bytes, lists and dicts. */
final class PickleValues {
    private PickleValues() {
    }

    /** Python's None (the value stack holds no Java null). */
    enum None { NONE }

    /** An immutable Python tuple. */
    record Tuple(List<Object> items) {
        Object get(int i) {
            return items.get(i);
        }

        int size() {
            return items.size();
        }
    }

    /** A module-level name the allowlist let through, such as {@code torch.FloatStorage}. */
    record Global(String module, String name) {
        String qualified() {
            return module + "." + name;
        }
    }

    /** A storage of the archive: {@code data/KEY}, {@code numel} elements of {@code dtype}. */
    record Storage(TensorDType dtype, String key, long numel) {
    }

    /** A tensor: a strided view of a storage. */
    record Tensor(Storage storage, long offset, long[] size, long[] stride) {
        long numel() {
            long n = 1;
            for (long s : size) {
                n = Math.multiplyExact(n, s);
            }
            return n;
        }
    }
}
