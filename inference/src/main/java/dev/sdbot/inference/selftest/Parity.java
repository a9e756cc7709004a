package dev.sdbot.inference.selftest;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.sdbot.inference.weights.SafetensorsFile;

import java.nio.file.Path;

/** Helpers shared by the parity checks: reference tensors, relative error. */
public final class Parity {
    private Parity() {
    }

    /** Relative L2 error {@code |actual - expected| / |expected|}, computed in fp64. */
    public static double relativeError(NDArray actual, NDArray expected) {
        if (!actual.getShape().equals(expected.getShape())) {
            throw new IllegalArgumentException("shape " + actual.getShape() + " differs from reference " + expected.getShape());
        }
        NDArray a = actual.toType(DataType.FLOAT64, false);
        NDArray b = expected.toType(DataType.FLOAT64, false);
        double diff = a.sub(b).square().sum().getDouble();
        double norm = b.square().sum().getDouble();
        return Math.sqrt(diff / norm);
    }

    /** Loads one reference tensor in its stored dtype. */
    public static NDArray reference(Path file, String key, NDManager manager) {
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            return f.load(key, manager);
        }
    }
}
