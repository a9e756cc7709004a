package dev.sdbot.inference.pipeline;

import ai.djl.ndarray.NDManager;
import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.api.GeneratedImage;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.HiresFix;
import dev.sdbot.inference.api.HiresUpscaler;
import dev.sdbot.inference.api.InvalidRequestException;
import dev.sdbot.inference.api.Sampler;
import dev.sdbot.inference.api.SafetyVerdict;
import dev.sdbot.inference.image.GenerationParameters;
import dev.sdbot.inference.image.ImageCodec;
import dev.sdbot.inference.image.PngText;
import dev.sdbot.inference.image.RgbImage;
import dev.sdbot.inference.upscale.ImageUpscaler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The engine with an ESRGAN-family upscaler in {@code <models>/upscalers}: it publishes it with its factor, a hires
 * fix naming it enlarges the first pass in pixel space with the network (A1111's way), and an upscale job enlarges an
 * image and is safety-checked.
 */
class EsrganHiresFixTest {
    @TempDir
    static Path models;
    private static DiffusionGenerator generator;

    @BeforeAll
    static void open() throws Exception {
        Files.createSymbolicLink(models.resolve("mini"), Fixtures.LDM.resolve("mini-sd15").toAbsolutePath());
        try (InputStream in = EsrganHiresFixTest.class.getResourceAsStream("/upscalers/tiny-rrdb-x4.safetensors")) {
            Files.copy(in, Files.createDirectories(models.resolve("upscalers")).resolve("sharp.safetensors"));
        }
        generator = new DiffusionGenerator(models, 1, ai.djl.Device.cpu(), DiffusionGenerator.DEFAULT_BATCH_PIXELS,
                Optional.empty());
    }

    @AfterAll
    static void close() {
        generator.close();
    }

    private static GenerationRequest base(int steps) {
        return new GenerationRequest("a red apple", "blurry", "mini", Sampler.EULER_A, steps, 7.0, 64, 64, 11L, 1,
                null, 0.75, null, 1);
    }

    private static GeneratedImage generate(GenerationRequest r) throws Exception {
        return generator.generate(r, p -> { }).images().get(0);
    }

    @Test
    void publishesItsUpscalersWithTheirFactor() {
        assertThat(generator.upscalers()).containsExactly(Map.entry("sharp", 4));
    }

    /**
     * As A1111: txt2img, the network enlarges the decoded image to the target, the VAE encodes it, img2img (with
     * A1111's hires step arithmetic, {@link dev.sdbot.inference.api.DenoiseSteps}).
     */
    @Test
    void esrganHiresEqualsImg2imgOfTheNetworkEnlargedFirstPass() throws Exception {
        byte[] hires = generate(base(2).withHires(new HiresFix(2, HiresUpscaler.fromId("sharp"), 2, 0.5))).png();
        assertThat(PngText.read(hires).get(GenerationParameters.PNG_KEY)).endsWith("Hires upscale: 2, Hires steps: 2, "
                + "Hires upscaler: sharp");

        RgbImage first = ImageCodec.decode(generate(base(2)).png());
        RgbImage enlarged;
        try (NDManager m = NDManager.newBaseManager()) {
            enlarged = ImageUpscaler.load(models.resolve("upscalers/sharp.safetensors"), m).upscaleTo(first, 128, 128, m);
        }
        // A1111 runs the 2 hires steps at 0.5 as the last 2 of 4: its img2img of 4 steps at 0.25 (int(0.25 * 4) + 1 = 2)
        GenerationRequest img2img = new GenerationRequest("a red apple", "blurry", "mini", Sampler.EULER_A, 4, 7.0, 128,
                128, 11L, 1, ImageCodec.encodePng(enlarged, Map.of()), 0.25, null, 1);
        RgbImage expected = ImageCodec.decode(generate(img2img).png());
        RgbImage actual = ImageCodec.decode(hires);
        assertThat(actual.width()).isEqualTo(128);
        assertThat(Arrays.equals(actual.pixels(), expected.pixels())).isTrue();
    }

    @Test
    void anUpscaleJobEnlargesTheImageKeepsItsParametersAndIsChecked() throws Exception {
        byte[] source = generate(base(1)).png();
        GeneratedImage up = generate(GenerationRequest.upscale(source, "sharp", 256, 256, "mini").withSeed(11L));
        assertThat(ImageCodec.decode(up.png()).width()).isEqualTo(256);
        assertThat(up.safety()).as("the fixture model's own checker judged it").isNotEqualTo(SafetyVerdict.UNCHECKED);
        assertThat(PngText.read(up.png()).get(GenerationParameters.PNG_KEY)).startsWith("a red apple")
                .endsWith("Postprocess upscaler: sharp, Postprocess upscale to: 256x256");

        GeneratedImage noModel = generate(GenerationRequest.upscale(source, "sharp", 128, 128, ""));
        assertThat(noModel.safety()).as("no checker could run: fails closed").isEqualTo(SafetyVerdict.UNCHECKED);

        assertThatThrownBy(() -> generate(GenerationRequest.upscale(source, "nope", 128, 128, "")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("unknown upscaler 'nope'; available: sharp");
        assertThatThrownBy(() -> generate(base(2).withHires(new HiresFix(2, HiresUpscaler.fromId("nope"), 0, 0.5))))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("unknown upscaler 'nope'");
    }
}
