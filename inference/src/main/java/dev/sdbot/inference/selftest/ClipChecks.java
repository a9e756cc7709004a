package dev.sdbot.inference.selftest;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.sdbot.inference.clip.ClipTextModel;
import dev.sdbot.inference.clip.TextEncoderConfig;
import dev.sdbot.inference.weights.SafetensorsFile;
import dev.sdbot.inference.weights.SafetensorsWeights;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** CLIP text encoder parity with transformers on the fixture models (diffusers folder weights). */
public final class ClipChecks {
    /** README tolerance for {@code text.*}. */
    public static final double TEXT_TOLERANCE = 1e-4;

    private ClipChecks() {
    }

    /**
     * mini-sd15: {@code text.hidden} and {@code text.hidden_skip2}; mini-sd21v: {@code text.hidden}.
     *
     * @param ldm the fixture folder holding {@code mini-sd15/}, {@code mini-sd15-reference/}...
     */
    public static List<CheckResult> run(Path ldm) {
        List<CheckResult> results = new ArrayList<>();
        results.addAll(textEncoder(ldm, "mini-sd15", new int[]{1, 2}));
        results.addAll(textEncoder(ldm, "mini-sd21v", new int[]{1}));
        return results;
    }

    /** Runs the model's text encoder on the reference token ids for each clip skip. */
    public static List<CheckResult> textEncoder(Path ldm, String model, int[] clipSkips) {
        Path folder = ldm.resolve(model).resolve("text_encoder");
        List<CheckResult> results = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager();
             SafetensorsFile reference = SafetensorsFile.open(ldm.resolve(model + "-reference").resolve("reference.safetensors"))) {
            ClipTextModel clip = ClipTextModel.load(
                    SafetensorsWeights.loadAll(folder.resolve("model.safetensors"), m, DataType.FLOAT32),
                    TextEncoderConfig.fromJson(folder.resolve("config.json")));
            NDArray ids = reference.load("tokenizer.ids", m);
            for (int skip : clipSkips) {
                String key = skip == 1 ? "text.hidden" : "text.hidden_skip" + skip;
                float[] expected = reference.load(key, m, DataType.FLOAT32).toFloatArray();
                float[] actual = clip.encode(ids, skip).toFloatArray();
                results.add(CheckResult.relative(model + " " + key, actual, expected, TEXT_TOLERANCE));
            }
        }
        return results;
    }
}
