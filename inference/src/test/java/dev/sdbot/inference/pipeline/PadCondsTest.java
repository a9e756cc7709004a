package dev.sdbot.inference.pipeline;

import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.api.GeneratedImage;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.ProgressListener;
import dev.sdbot.inference.api.Sampler;
import dev.sdbot.inference.image.ImageCodec;
import dev.sdbot.inference.image.PngText;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A1111 does not pad the negative prompt to the prompt's chunk count (nor the prompt to the negative's): the two
 * halves of guidance run as separate UNet batches unless its "Pad conds" option is on (here the model sidecar's
 * {@code pad_conds: true}), which it then writes into the infotext.
 */
class PadCondsTest {
    @TempDir
    static Path models;
    private static DiffusionGenerator generator;
    /** Two 75-token chunks. */
    private static final String LONG = String.join(" ", java.util.Collections.nCopies(90, "apple"));

    @BeforeAll
    static void open() throws Exception {
        Files.createSymbolicLink(models.resolve("plain"), Fixtures.LDM.resolve("mini-sd15"));
        Files.createSymbolicLink(models.resolve("padded"), Fixtures.LDM.resolve("mini-sd15"));
        Files.writeString(models.resolve("padded.yaml"), "sdbot:\n  pad_conds: true\n");
        generator = new DiffusionGenerator(models, 4);
    }

    @AfterAll
    static void close() {
        generator.close();
    }

    private static List<GeneratedImage> run(String model, String prompt, String negative, int count) throws Exception {
        GenerationRequest r = new GenerationRequest(prompt, negative, model, Sampler.EULER, 1, 7.0, 64, 64, 5L, count,
                null, 0.75, null, 1);
        return generator.generate(r, ProgressListener.NONE).images();
    }

    private static byte[] pixels(GeneratedImage image) throws Exception {
        return ImageCodec.decode(image.png()).pixels();
    }

    private static String infotext(GeneratedImage image) {
        return PngText.read(image.png()).get("parameters");
    }

    @Test
    void unequalChunkCountsAreNotPaddedUnlessPadCondsIsOn() throws Exception {
        for (String[] pair : new String[][] {{LONG, "blurry"}, {"a pear", LONG}}) {
            GeneratedImage plain = run("plain", pair[0], pair[1], 1).get(0);
            GeneratedImage padded = run("padded", pair[0], pair[1], 1).get(0);
            assertThat(Arrays.equals(pixels(plain), pixels(padded))).as("padding changes attention").isFalse();
            assertThat(infotext(plain)).doesNotContain("Pad conds");
            assertThat(infotext(padded)).endsWith(", Pad conds: True");
        }
        GeneratedImage samePlain = run("plain", "a pear", "blurry", 1).get(0);
        GeneratedImage samePadded = run("padded", "a pear", "blurry", 1).get(0);
        assertThat(pixels(samePlain)).as("one chunk each: nothing to pad").isEqualTo(pixels(samePadded));
        assertThat(infotext(samePadded)).doesNotContain("Pad conds");
    }

    @Test
    void separateHalvesKeepEachImageOfABatchAsAlone() throws Exception {
        byte[] batched = pixels(run("plain", LONG, "blurry", 2).get(0));
        byte[] alone = pixels(run("plain", LONG, "blurry", 1).get(0));
        int worst = 0;
        for (int i = 0; i < alone.length; i++) {
            worst = Math.max(worst, Math.abs((batched[i] & 0xff) - (alone[i] & 0xff)));
        }
        assertThat(worst).as("fp32 batch rounding, at most one level").isLessThanOrEqualTo(1);
    }
}
