package dev.sdbot.inference.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.sdbot.inference.nn.Weights;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Every tensor of one safetensors file, under its stored name, converted to a compute dtype. */
public final class SafetensorsWeights {
    private SafetensorsWeights() {
    }

    /**
     * Loads all floating-point tensors of {@code file} into {@code manager}; integer buffers (such as
     * {@code position_ids}) are skipped, no model reads them.
     */
    public static Weights loadAll(Path file, NDManager manager, DataType dtype) {
        Map<String, NDArray> tensors = new HashMap<>();
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            for (String key : st.keys()) {
                if (isFloat(st.info(key).dtype())) {
                    tensors.put(key, st.load(key, manager, dtype));
                }
            }
        }
        return new Weights(tensors, file.toString());
    }

    /** Whether a safetensors dtype name (F32, F16, BF16, I64...) is a floating-point one, i.e. model weights. */
    static boolean isFloat(String dtype) {
        return dtype.startsWith("F") || dtype.equals("BF16");
    }
}
