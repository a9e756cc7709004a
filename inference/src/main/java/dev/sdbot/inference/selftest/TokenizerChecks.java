package dev.sdbot.inference.selftest;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonParser;
import dev.sdbot.inference.text.ClipTokenizer;
import dev.sdbot.inference.weights.SafetensorsFile;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The tokenizer must give exactly the reference ids ({@code tokenizer.ids}) for {@code tokenizer.prompts}. */
public final class TokenizerChecks {
    private TokenizerChecks() {
    }

    /**
     * @param tokenizer the model's tokenizer
     * @param reference a reference.safetensors holding {@code tokenizer.ids} and the {@code tokenizer.prompts} metadata
     * @return one exact check per prompt; relError is the fraction of differing ids
     */
    public static List<CheckResult> run(String label, ClipTokenizer tokenizer, Path reference) {
        return run(label, tokenizer, reference, "tokenizer.ids");
    }

    /** As {@link #run(String, ClipTokenizer, Path)} against the ids under {@code key} (SDXL: {@code tokenizer_2.ids}). */
    public static List<CheckResult> run(String label, ClipTokenizer tokenizer, Path reference, String key) {
        List<CheckResult> results = new ArrayList<>();
        try (SafetensorsFile ref = SafetensorsFile.open(reference); NDManager manager = NDManager.newBaseManager()) {
            var prompts = JsonParser.parseString(ref.metadata().get("tokenizer.prompts")).getAsJsonArray();
            long[] expected = ref.load(key, manager).toLongArray();
            int width = (int) ref.info(key).shape()[1];
            for (int p = 0; p < prompts.size(); p++) {
                int[] ids = tokenizer.encode(prompts.get(p).getAsString());
                int differing = Math.abs(ids.length - width);
                for (int i = 0; i < Math.min(width, ids.length); i++) {
                    if (ids[i] != expected[p * width + i]) {
                        differing++;
                    }
                }
                results.add(CheckResult.of(label + " " + key + "[" + p + "]", differing / (double) width, 0));
            }
        }
        return results;
    }
}
