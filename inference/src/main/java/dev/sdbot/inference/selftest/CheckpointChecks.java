package dev.sdbot.inference.selftest;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.sdbot.inference.nn.Weights;
import dev.sdbot.inference.weights.ModelFiles;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * A single-file checkpoint and the diffusers folder of the same model must load to the same tensors under the
 * same names (the fixtures' values are exact in fp16, so "the same" means bit-identical after fp32 conversion).
 */
public final class CheckpointChecks {
    private CheckpointChecks() {
    }

    /** One exact check per component; relError is the largest per-tensor relative L2 error, infinite on a name mismatch. */
    public static List<CheckResult> sameWeights(String label, ModelFiles actual, ModelFiles expected) {
        List<CheckResult> results = new ArrayList<>();
        results.add(compare(label + " unet", actual, expected, ModelFiles::unet));
        results.add(compare(label + " vae", actual, expected, ModelFiles::vae));
        results.add(compare(label + " text_encoder", actual, expected, ModelFiles::textEncoder));
        if (expected.tokenizer2().isPresent() || actual.tokenizer2().isPresent()) {
            results.add(compare(label + " text_encoder_2", actual, expected, (files, m) -> files.textEncoder2(m)
                    .orElseThrow(() -> new IllegalStateException(files.path() + " has no second text encoder"))));
        }
        return results;
    }

    private static CheckResult compare(String name, ModelFiles actual, ModelFiles expected,
                                       BiFunction<ModelFiles, NDManager, Weights> component) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Weights a = component.apply(actual, manager);
            Weights b = component.apply(expected, manager);
            if (!a.keys().equals(b.keys())) {
                return CheckResult.of(name + " (weight names differ)", Double.POSITIVE_INFINITY, 0);
            }
            double worst = 0;
            for (String key : b.keys()) {
                worst = Math.max(worst, relativeError(a.get(key), b.get(key)));
            }
            return CheckResult.of(name, worst, 0);
        }
    }

    /** {@code |a-b| / |b|} in L2; infinite when the shapes differ. */
    public static double relativeError(NDArray a, NDArray b) {
        if (!a.getShape().equals(b.getShape())) {
            return Double.POSITIVE_INFINITY;
        }
        double diff = a.sub(b).norm().getFloat();
        double ref = b.norm().getFloat();
        return ref == 0 ? diff : diff / ref;
    }
}
