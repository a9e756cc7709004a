package dev.sdbot.inference.pipeline;

import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.HiresFix;
import dev.sdbot.inference.api.HiresUpscaler;
import dev.sdbot.inference.api.InvalidRequestException;
import dev.sdbot.inference.api.Sampler;
import dev.sdbot.inference.image.ImageCodec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A1111's prompt editing and alternation through the engine's entry point, on the fixture model: a schedule that
 * never switches is exactly its one text (count 2 and CFG, so both guidance halves of every image go through it),
 * one that switches is neither text.
 */
class PromptEditingGenerationTest {
    @TempDir
    static Path models;
    private static DiffusionGenerator generator;

    @BeforeAll
    static void open() throws Exception {
        Files.createSymbolicLink(models.resolve("mini-sd15"), Fixtures.LDM.resolve("mini-sd15"));
        generator = new DiffusionGenerator(models, 8);
    }

    @AfterAll
    static void close() {
        generator.close();
    }

    private static GenerationRequest request(String prompt, String negative, Sampler sampler, int steps) {
        return new GenerationRequest(prompt, negative, "mini-sd15", sampler, steps, 7.0, 64, 64, 11L, 2, null, 0.75,
                null, 1);
    }

    private static List<byte[]> pixels(GenerationRequest r) throws Exception {
        List<byte[]> out = new ArrayList<>();
        for (var image : generator.generate(r, p -> { }).images()) {
            out.add(ImageCodec.decode(image.png()).pixels());
        }
        return out;
    }

    private static void assertSame(List<byte[]> a, List<byte[]> b) {
        assertThat(a).hasSameSizeAs(b);
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i)).as("image " + i).isEqualTo(b.get(i));
        }
    }

    @Test
    void aSwitchPastTheLastStepIsTheFirstTextExactly() throws Exception {
        assertSame(pixels(request("a [red:blue:100] apple", "blurry", Sampler.EULER_A, 3)),
                pixels(request("a red apple", "blurry", Sampler.EULER_A, 3)));
    }

    @Test
    void anAlternationOfOneStepIsItsFirstOptionExactly() throws Exception {
        assertSame(pixels(request("a [red|blue] apple", "blurry", Sampler.EULER, 1)),
                pixels(request("a red apple", "blurry", Sampler.EULER, 1)));
    }

    /** A1111 conditions call k on the first entry ending at or after k: [red:blue:2] at 3 steps never reaches blue. */
    @Test
    void theNegativePromptIsScheduledTooAndTheSwitchFollowsA1111sStepCount() throws Exception {
        assertSame(pixels(request("a [red:blue:2] apple", "[blurry:dark:0]", Sampler.DPMPP_2M, 3)),
                pixels(request("a red apple", "dark", Sampler.DPMPP_2M, 3)));
    }

    @Test
    void aSwitchInsideTheRunIsNeitherText() throws Exception {
        List<byte[]> switched = pixels(request("a [red:blue:1] apple", "blurry", Sampler.EULER, 3));
        assertThat(switched.get(0)).isNotEqualTo(pixels(request("a red apple", "blurry", Sampler.EULER, 3)).get(0))
                .isNotEqualTo(pixels(request("a blue apple", "blurry", Sampler.EULER, 3)).get(0));
        List<byte[]> alternating = pixels(request("a [red|blue] apple", "blurry", Sampler.HEUN, 2));
        assertThat(alternating.get(0)).isNotEqualTo(pixels(request("a red apple", "blurry", Sampler.HEUN, 2)).get(0));
    }

    @Test
    void theHiresPassIsScheduledFromTheFirstPassesStart() throws Exception {
        HiresFix fix = new HiresFix(1.5, HiresUpscaler.LATENT, 2, 0.6);
        assertSame(pixels(request("a [red:blue:100] apple", "blurry", Sampler.EULER, 2).withHires(fix)),
                pixels(request("a red apple", "blurry", Sampler.EULER, 2).withHires(fix)));
    }

    @Test
    void andInThePromptIsRefusedAndInTheNegativePromptIsText() throws Exception {
        assertThatThrownBy(() -> generator.generate(request("a cat AND a dog", "", Sampler.EULER, 1), p -> { }))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("AND is not supported");
        assertThat(pixels(request("a cat", "ugly AND blurry", Sampler.EULER, 1))).hasSize(2);
    }
}
