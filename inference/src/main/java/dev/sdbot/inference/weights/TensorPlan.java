package dev.sdbot.inference.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.sdbot.inference.nn.Weights;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Which stored tensor (and which reshaping of it) becomes each internal (diffusers-named) weight. Built from
 * the header alone, so a checkpoint's layout is checked before any tensor is read.
 */
public final class TensorPlan {
    /** One internal weight: the stored tensor it comes from and how it is reshaped or sliced. */
    public record Source(String key, UnaryOperator<NDArray> transform) {
        public static Source of(String key) {
            return new Source(key, UnaryOperator.identity());
        }
    }

    private final Map<String, Source> targets = new LinkedHashMap<>();

    public void put(String target, Source source) {
        if (targets.putIfAbsent(target, source) != null) {
            throw new CheckpointException("two stored tensors map onto '" + target + "'");
        }
    }

    public void put(String target, String sourceKey) {
        put(target, Source.of(sourceKey));
    }

    public Set<String> targets() {
        return targets.keySet();
    }

    public Source source(String target) {
        return targets.get(target);
    }

    public boolean isEmpty() {
        return targets.isEmpty();
    }

    /** Reads every planned tensor as fp32 into {@code manager}. */
    public Weights load(SafetensorsFile file, NDManager manager, String description) {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Source> e : targets.entrySet()) {
            NDArray stored = file.load(e.getValue().key(), manager, DataType.FLOAT32);
            NDArray mapped = e.getValue().transform().apply(stored);
            if (mapped != stored) {
                // A slice or reshape may be a view on the whole stored tensor: keep only its own copy.
                NDArray copy = mapped.duplicate();
                mapped.close();
                stored.close();
                mapped = copy;
            }
            tensors.put(e.getKey(), mapped);
        }
        return new Weights(tensors, description);
    }
}
