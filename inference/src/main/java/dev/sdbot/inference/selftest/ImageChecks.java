package dev.sdbot.inference.selftest;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.sdbot.inference.image.ImageTensors;
import dev.sdbot.inference.image.RgbImage;
import dev.sdbot.inference.weights.SafetensorsFile;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The float → 8-bit image conversion against the reference pipeline outputs (must be exact). */
public final class ImageChecks {
    private ImageChecks() {
    }

    /** {@code txt2img.<n>.image} → {@code txt2img.<n>.image_uint8} for every case in the reference. */
    public static List<CheckResult> run(Path ldm) {
        return run(ldm, "mini-sd15");
    }

    public static List<CheckResult> run(Path ldm, String modelName) {
        List<CheckResult> results = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager();
             SafetensorsFile ref = SafetensorsFile.open(ldm.resolve(modelName + "-reference").resolve("reference.safetensors"))) {
            for (int n = 0; ref.contains("txt2img." + n + ".image"); n++) {
                String key = "txt2img." + n + ".image_uint8";
                RgbImage image = ImageTensors.toImages(ref.load("txt2img." + n + ".image", m)).get(0);
                float[] actual = new float[image.pixels().length];
                for (int i = 0; i < actual.length; i++) {
                    actual[i] = image.pixels()[i] & 0xff;
                }
                results.add(CheckResult.exact(key + " (from .image)", actual,
                        ref.load(key, m, DataType.FLOAT32).toFloatArray()));
            }
        }
        return results;
    }
}
