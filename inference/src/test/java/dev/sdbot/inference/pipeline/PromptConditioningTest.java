package dev.sdbot.inference.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.clip.PromptEmphasis;
import dev.sdbot.inference.selftest.Parity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Collections;

import static org.assertj.core.api.Assertions.assertThat;

/** A1111 prompt syntax and long prompts as the pipeline encodes them. */
class PromptConditioningTest {
    private static NDManager manager;
    private static StableDiffusionPipeline pipeline;

    @BeforeAll
    static void load() {
        manager = NDManager.newBaseManager();
        pipeline = new StableDiffusionPipeline(ModelLoader.load(Fixtures.LDM.resolve("mini-sd15"), manager));
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    @Test
    void emphasisWeightsTheTokensOfThePlainTextAndRestoresTheMean() {
        try (NDManager m = manager.newSubManager()) {
            NDArray weighted = pipeline.encodePrompt(m, "(red:1.4) apple", "", 1, 1).context();
            NDArray plain = pipeline.encodePrompt(m, "red apple", "", 1, 1).context();
            float[][] weights = new float[1][77];
            java.util.Arrays.fill(weights[0], 1f);
            weights[0][1] = 1.4f;
            NDArray expected = PromptEmphasis.apply(plain, weights);
            assertThat(Parity.relativeError(weighted, plain)).as("the syntax changes the conditioning").isGreaterThan(1e-3);
            assertThat(Parity.relativeError(weighted, expected)).isLessThan(1e-5);
        }
    }

    @Test
    void longPromptsAreChunkedAndTheNegativePromptPaddedToTheSameLength() {
        try (NDManager m = manager.newSubManager()) {
            String longPrompt = String.join(" ", Collections.nCopies(100, "fox"));
            NDArray context = pipeline.encodePrompt(m, longPrompt, "blurry", 7, 1).context();
            assertThat(context.getShape()).isEqualTo(new Shape(2, 154, 32));
            // the second chunk of the prompt encodes the 25 foxes that did not fit, on their own
            NDArray second = pipeline.encodePrompt(m, String.join(" ", Collections.nCopies(25, "fox")), "", 1, 1).context();
            assertThat(Parity.relativeError(context.get("1:2, 77:154, :"), second)).isLessThan(1e-5);
            // the negative prompt's second chunk is the empty prompt
            NDArray empty = pipeline.encodePrompt(m, "", "", 1, 1).context();
            assertThat(Parity.relativeError(context.get("0:1, 77:154, :"), empty)).isLessThan(1e-5);
        }
    }
}
