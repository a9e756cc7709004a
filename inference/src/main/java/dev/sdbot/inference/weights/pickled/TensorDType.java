package dev.sdbot.inference.weights.pickled;

import java.util.Map;

/** The element types of torch's typed storages, with their safetensors names. */
enum TensorDType {
    F64("DoubleStorage", 8), F32("FloatStorage", 4), F16("HalfStorage", 2), BF16("BFloat16Storage", 2),
    I64("LongStorage", 8), I32("IntStorage", 4), I16("ShortStorage", 2), I8("CharStorage", 1),
    U8("ByteStorage", 1), BOOL("BoolStorage", 1);

    private static final Map<String, TensorDType> BY_STORAGE = Map.ofEntries(
            java.util.Arrays.stream(values()).map(t -> Map.entry(t.storageClass, t)).toArray(Map.Entry[]::new));

    final String storageClass;
    final int bytes;

    TensorDType(String storageClass, int bytes) {
        this.storageClass = storageClass;
        this.bytes = bytes;
    }

    /** The type of a {@code torch.XxxStorage} class name, or null when it is not a storage class. */
    static TensorDType ofStorageClass(String name) {
        return BY_STORAGE.get(name);
    }
}
