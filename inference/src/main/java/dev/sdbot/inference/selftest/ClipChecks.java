package dev.sdbot.inference.selftest;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.sdbot.inference.clip.ClipTextModel;
import dev.sdbot.inference.weights.CheckpointLoader;
import dev.sdbot.inference.weights.ModelFiles;
import dev.sdbot.inference.weights.SafetensorsFile;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CLIP text encoder parity with transformers on the fixture models, loaded both from the diffusers
 * folder and from the single-file checkpoint (SD 2.x: OpenCLIP names, last layer dropped).
 */
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
        for (String model : new String[]{"mini-sd15", "mini-sd21v"}) {
            int[] clipSkips = model.equals("mini-sd15") ? new int[]{1, 2} : new int[]{1};
            results.addAll(textEncoder(ldm, model, model, clipSkips));
            results.addAll(textEncoder(ldm, model + ".safetensors", model, clipSkips));
        }
        return results;
    }

    /**
     * Runs the text encoder of {@code checkpoint} on the reference token ids for each clip skip. The
     * config comes from the diffusers folder {@code model}: the tiny fixtures' head count cannot be
     * inferred from single-file weights.
     */
    public static List<CheckResult> textEncoder(Path ldm, String checkpoint, String model, int[] clipSkips) {
        List<CheckResult> results = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager();
             ModelFiles folder = CheckpointLoader.open(ldm.resolve(model));
             ModelFiles files = CheckpointLoader.open(ldm.resolve(checkpoint));
             SafetensorsFile reference = SafetensorsFile.open(ldm.resolve(model + "-reference").resolve("reference.safetensors"))) {
            ClipTextModel clip = ClipTextModel.load(files.textEncoder(m), folder.description().textEncoder());
            NDArray ids = reference.load("tokenizer.ids", m);
            for (int skip : clipSkips) {
                String key = skip == 1 ? "text.hidden" : "text.hidden_skip" + skip;
                float[] expected = reference.load(key, m, DataType.FLOAT32).toFloatArray();
                float[] actual = clip.encode(ids, skip).toFloatArray();
                results.add(CheckResult.relative(checkpoint + " " + key, actual, expected, TEXT_TOLERANCE));
            }
        }
        return results;
    }
}
