package dev.sdbot.inference.selftest;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.sdbot.inference.pipeline.ModelLoader;
import dev.sdbot.inference.pipeline.StableDiffusionPipeline;
import dev.sdbot.inference.text.PromptAttention;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A1111 prompt syntax against its own parser's output (a JSON list of {@code {prompt, parsed: [[text, weight]...]}}),
 * and long prompts: each 75-token chunk is encoded as if it were a prompt of its own.
 */
public final class PromptChecks {
    /** Encoding a chunk inside a batch vs alone: the same arithmetic up to a few ulps per layer. */
    static final double CHUNK_TOLERANCE = 1e-5;

    private PromptChecks() {
    }

    /** One check: every case parsed exactly (text and weight to the last bit); the name counts the cases. */
    public static List<CheckResult> syntax(Path casesFile) {
        JsonArray cases;
        try {
            cases = JsonParser.parseString(Files.readString(casesFile)).getAsJsonArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read prompt cases " + casesFile, e);
        }
        int failed = 0;
        String firstFailure = null;
        for (JsonElement element : cases) {
            JsonObject c = element.getAsJsonObject();
            List<PromptAttention.Span> expected = new ArrayList<>();
            for (JsonElement span : c.getAsJsonArray("parsed")) {
                JsonArray pair = span.getAsJsonArray();
                expected.add(new PromptAttention.Span(pair.get(0).getAsString(), pair.get(1).getAsDouble()));
            }
            String prompt = c.get("prompt").getAsString();
            boolean same;
            try {
                same = PromptAttention.parse(prompt).equals(expected);
            } catch (IllegalArgumentException e) {
                same = false;
            }
            if (!same) {
                failed++;
                firstFailure = firstFailure == null ? prompt : firstFailure;
            }
        }
        String name = "prompt syntax: " + (cases.size() - failed) + "/" + cases.size() + " A1111 cases parsed exactly"
                + (firstFailure == null ? "" : ", first wrong: " + firstFailure);
        return List.of(CheckResult.of(name, cases.isEmpty() ? 1 : (double) failed / cases.size(), 0));
    }

    /** A 100-token prompt is two chunks; the second encodes exactly its 25 tokens as a prompt alone. */
    public static List<CheckResult> longPrompt(Path modelFolder) {
        try (NDManager manager = NDManager.newBaseManager()) {
            StableDiffusionPipeline pipeline = new StableDiffusionPipeline(ModelLoader.load(modelFolder, manager));
            NDArray context = pipeline.encodePrompt(manager, String.join(" ", Collections.nCopies(100, "fox")), "", 1, 1).context();
            long length = context.getShape().get(1);
            if (length != 154) {
                return List.of(new CheckResult("long prompt: 100 tokens in 2 chunks of 77 (got length " + length + ")",
                        1, 0, false));
            }
            NDArray alone = pipeline.encodePrompt(manager, String.join(" ", Collections.nCopies(25, "fox")), "", 1, 1).context();
            return List.of(CheckResult.relative("long prompt: chunk 2 of 2 = its 25 tokens encoded alone",
                    context.get(":, 77:154, :").toFloatArray(), alone.toFloatArray(), CHUNK_TOLERANCE));
        }
    }
}
