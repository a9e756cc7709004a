package dev.sdbot.inference.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.HiresFix;
import dev.sdbot.inference.api.HiresUpscaler;
import dev.sdbot.inference.api.InvalidRequestException;
import dev.sdbot.inference.api.Progress;
import dev.sdbot.inference.api.Sampler;
import dev.sdbot.inference.image.GenerationParameters;
import dev.sdbot.inference.image.ImageCodec;
import dev.sdbot.inference.image.Resampler;
import dev.sdbot.inference.image.RgbImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A1111's hires fix through the engine: sizes, infotext, and hires = txt2img then img2img of the enlarged image. */
class HiresFixTest {
    private static DiffusionGenerator generator;

    @BeforeAll
    static void open() {
        generator = DiffusionGenerator.forCheckpoint("mini", Fixtures.LDM.resolve("mini-sd15"), ai.djl.Device.cpu());
    }

    @AfterAll
    static void close() {
        generator.close();
    }

    private static GenerationRequest base(int steps) {
        return base(steps, 128, 64);
    }

    private static GenerationRequest base(int steps, int width, int height) {
        return new GenerationRequest("a red apple", "blurry", "mini", Sampler.EULER_A, steps, 7.0, width, height, 11L, 1,
                null, 0.75, null, 1);
    }

    private static byte[] png(GenerationRequest r) throws Exception {
        return generator.generate(r, p -> { }).images().get(0).png();
    }

    @Test
    void latentHiresGivesTheTargetSizeAndA1111Infotext() throws Exception {
        List<Progress> progress = new ArrayList<>();
        byte[] out = generator.generate(base(2).withHires(new HiresFix(2, HiresUpscaler.LATENT, 3, 0.5)), progress::add)
                .images().get(0).png();
        // the first pass's 2 steps, then all 3 hires steps (A1111's "Hires steps", not int(3 * 0.5)), in one count
        assertThat(progress).extracting(Progress::step).containsExactly(1, 2, 3, 4, 5);
        assertThat(progress).extracting(Progress::totalSteps).containsOnly(5);
        RgbImage image = ImageCodec.decode(out);
        assertThat(image.width()).isEqualTo(256);
        assertThat(image.height()).isEqualTo(128);
        String infotext = dev.sdbot.inference.image.PngText.read(out).get(GenerationParameters.PNG_KEY);
        assertThat(infotext).endsWith("Size: 128x64, Model: mini, Denoising strength: 0.5, RNG: CPU, Hires upscale: 2, "
                + "Hires steps: 3, Hires upscaler: Latent");
        GenerationParameters p = GenerationParameters.parse(infotext);
        assertThat(p.hiresScale()).isEqualTo(2.0);
        assertThat(p.hiresSteps()).isEqualTo(3);
        assertThat(p.hiresUpscaler()).isEqualTo("Latent");
        assertThat(p.denoisingStrength()).isEqualTo(0.5);
        assertThat(p.toInfotext()).isEqualTo(infotext);

        RgbImage nearest = ImageCodec.decode(png(base(2, 64, 64)
                .withHires(new HiresFix(2, HiresUpscaler.LATENT_NEAREST, 0, 0.6))));
        assertThat(nearest.width()).isEqualTo(128);
        assertThat(nearest.height()).isEqualTo(128);
    }

    /**
     * The invariant behind the fix: with an image upscaler it is txt2img, resize, then img2img at the target size. A1111
     * runs the 4 hires steps at 0.5 as the last 4 of 8 ({@code setup_img2img_steps} with steps given), which is its
     * img2img of 8 steps at 0.375 (int(0.375 * 8) + 1 = 4 steps from index 4).
     */
    @Test
    void lanczosHiresEqualsImg2imgOfTheResizedFirstPass() throws Exception {
        HiresFix fix = new HiresFix(2, HiresUpscaler.LANCZOS, 4, 0.5);
        RgbImage hires = ImageCodec.decode(png(base(3, 64, 64).withHires(fix)));

        RgbImage first = ImageCodec.decode(png(base(3, 64, 64)));
        byte[] enlarged = ImageCodec.encodePng(Resampler.resize(first, 128, 128, Resampler.Filter.LANCZOS), Map.of());
        GenerationRequest img2img = new GenerationRequest("a red apple", "blurry", "mini", Sampler.EULER_A, 8, 7.0, 128,
                128, 11L, 1, enlarged, 0.375, null, 1);
        RgbImage expected = ImageCodec.decode(png(img2img));
        assertThat(java.util.Arrays.equals(hires.pixels(), expected.pixels())).isTrue();
    }

    /**
     * A1111's "Latent (bicubic)" is torch's interpolate(mode="bicubic", antialias=False): values from Debian's torch
     * 1.13 (the antialiased kernel, A1111's "Latent (bicubic antialiased)", differs by up to 0.25 here).
     */
    @Test
    void bicubicLatentUpscaleIsTorchsWithoutAntialiasing() {
        float[] expected = {-0.477493f, -0.081398f, 0.531807f, 2.170845f, 3.957176f, 4.165474f, 2.647789f, 1.75013f,
                0.782547f, 0.579765f, 0.210365f, 1.098412f, 2.766731f, 3.318428f, 2.448082f, 1.941154f, 2.889267f,
                1.677101f, -0.349434f, -0.696037f, 0.82003f, 1.960106f, 2.147774f, 2.279945f, 3.221298f, 2.090843f,
                0.22773f, -0.937279f, -0.785652f, 0.023689f, 1.101097f, 1.755959f, 1.591141f, 1.587349f, 1.615929f,
                0.510918f, -1.143578f, -1.397316f, -0.100883f, 0.665092f, 0.627975f, 1.29612f, 2.453423f, 1.367653f,
                -1.388802f, -2.281654f, -0.837029f, 0.005562f};
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {0, 1, 4, 2, 3, -1, 0.5f, 2, 1, 2, -2, 0}, new Shape(1, 1, 3, 4));
            float[] up = LatentUpscale.resize(x, 6, 8, HiresUpscaler.LATENT_BICUBIC).toFloatArray();
            assertThat(up).containsExactly(expected, org.assertj.core.data.Offset.offset(1e-5f));
        }
    }

    @Test
    void nearestLatentUpscaleByTwoRepeatsEachLatent() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(1, 4, 3, 5));
            NDArray up = LatentUpscale.resize(x, 6, 10, HiresUpscaler.LATENT_NEAREST);
            NDArray repeated = x.repeat(2, 2).repeat(3, 2);
            assertThat(up.getShape()).isEqualTo(new Shape(1, 4, 6, 10));
            assertThat(up.contentEquals(repeated)).isTrue();
        }
    }

    @Test
    void badHiresRequestsAreRefusedBeforeAnyWork() {
        GenerationRequest large = new GenerationRequest("x", "", "mini", Sampler.EULER_A, 2, 7, 1024, 512, 1L, 1,
                null, 0.5, null, 1);
        assertThatThrownBy(() -> png(large.withHires(new HiresFix(4, HiresUpscaler.LATENT, 0, 0.5))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("hires fix to 4096x2048 exceeds the largest side of 2048");
        assertThatThrownBy(() -> png(base(2).withHires(new HiresFix(1, HiresUpscaler.LATENT, 0, 0.5))))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("hires scale must be above 1");
        assertThatThrownBy(() -> png(base(2).withHires(new HiresFix(2, HiresUpscaler.LATENT, 150, 0.1))))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("needs a schedule of 1500 steps");
        GenerationRequest img2img = new GenerationRequest("x", "", "mini", Sampler.EULER_A, 2, 7, 64, 64, 1L, 1,
                new byte[] {1}, 0.5, null, 1);
        assertThatThrownBy(() -> png(img2img.withHires(HiresFix.upscaleButton())))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("text-to-image requests only");
    }
}
