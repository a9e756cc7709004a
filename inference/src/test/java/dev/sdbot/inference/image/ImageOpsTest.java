package dev.sdbot.inference.image;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.sdbot.inference.api.InvalidRequestException;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageOpsTest {

    private static RgbImage solid(int w, int h, int r, int g, int b) {
        byte[] px = new byte[w * h * 3];
        for (int i = 0; i < w * h; i++) {
            px[3 * i] = (byte) r;
            px[3 * i + 1] = (byte) g;
            px[3 * i + 2] = (byte) b;
        }
        return new RgbImage(w, h, px);
    }

    @Test
    void tensorRoundTripIsExact() {
        RgbImage image = ImageCodecTest.gradient(24, 16);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray t = ImageTensors.toTensor(image, m);
            assertThat(t.getShape()).isEqualTo(new Shape(1, 3, 16, 24));
            assertThat(t.max().getFloat()).isLessThanOrEqualTo(1f);
            assertThat(t.min().getFloat()).isGreaterThanOrEqualTo(-1f);
            assertThat(ImageTensors.toImages(t).get(0).pixels()).isEqualTo(image.pixels());
        }
    }

    @Test
    void toBytesClampsAndRoundsHalfToEven() {
        assertThat(ImageTensors.toByte(5f) & 0xff).isEqualTo(255);
        assertThat(ImageTensors.toByte(-3f) & 0xff).isZero();
        assertThat(ImageTensors.toByte(Float.NaN) & 0xff).isZero();
        // x/2+0.5 = 0.5/255*... : 0.5 * 255 = 127.5 rounds to 128 (even)
        assertThat(ImageTensors.toByte(0f) & 0xff).isEqualTo(128);
    }

    @Test
    void resamplingKeepsConstantImagesConstant() {
        RgbImage image = solid(50, 30, 10, 200, 255);
        for (Resampler.Filter f : Resampler.Filter.values()) {
            RgbImage down = Resampler.resize(image, 17, 11, f);
            RgbImage up = Resampler.resize(image, 120, 77, f);
            assertThat(down.pixels()).isEqualTo(solid(17, 11, 10, 200, 255).pixels());
            assertThat(up.pixels()).isEqualTo(solid(120, 77, 10, 200, 255).pixels());
        }
    }

    @Test
    void downscalingAntialiases() {
        // A one-pixel checkerboard averages to mid gray when halved (no aliasing to black/white).
        byte[] px = new byte[64 * 64];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (((i % 64) + (i / 64)) % 2 == 0 ? 255 : 0);
        }
        GrayImage half = Resampler.resize(new GrayImage(64, 64, px), 32, 32, Resampler.Filter.BICUBIC);
        assertThat(half.sample(16, 16)).isBetween(120, 135);
    }

    @Test
    void cropModeFillsTheTargetWithoutDistortion() {
        // Left half red, right half blue, 200x100 → 100x100 crop keeps the centre: red | blue.
        byte[] px = new byte[200 * 100 * 3];
        for (int y = 0; y < 100; y++) {
            for (int x = 0; x < 200; x++) {
                px[(y * 200 + x) * 3 + (x < 100 ? 0 : 2)] = (byte) 255;
            }
        }
        RgbImage out = ImageResize.fit(new RgbImage(200, 100, px), 100, 100, ImageResize.Mode.CROP);
        assertThat(out.width()).isEqualTo(100);
        assertThat(out.sample(10, 50, 0)).isEqualTo(255);
        assertThat(out.sample(90, 50, 2)).isEqualTo(255);
        RgbImage stretched = ImageResize.fit(new RgbImage(200, 100, px), 64, 64, ImageResize.Mode.STRETCH);
        assertThat(stretched.sample(5, 5, 0)).isEqualTo(255);
        assertThat(stretched.sample(60, 5, 2)).isEqualTo(255);
    }

    @Test
    void masksAreBinarisedAndMustMatchTheInitImage() throws Exception {
        GrayImage mask = new GrayImage(4, 2, new byte[]{0, 127, (byte) 128, (byte) 255, 0, 0, 0, 0});
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray t = Masks.toTensor(mask, m);
            assertThat(t.getShape()).isEqualTo(new Shape(1, 1, 2, 4));
            assertThat(t.toFloatArray()).containsExactly(0, 0, 1, 1, 0, 0, 0, 0);
        }
        assertThat(Masks.hasRepaintArea(mask)).isTrue();
        Masks.checkMatches(mask, solid(4, 2, 0, 0, 0));
        Masks.checkMatches(mask, solid(8, 4, 0, 0, 0));
        assertThatThrownBy(() -> Masks.checkMatches(mask, solid(4, 4, 0, 0, 0)))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("does not match");
    }

    @Test
    void latentPreviewIsSmallRgb() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] latent = new float[2 * 4 * 8 * 6];
            Arrays.fill(latent, 0.5f);
            NDArray latents = m.create(latent, new Shape(2, 4, 8, 6));
            RgbImage preview = LatentPreview.toImage(latents);
            assertThat(List.of(preview.width(), preview.height())).containsExactly(6, 8);
            // R = 0.5 * (0.298 + 0.187 - 0.158 - 0.184) = 0.0715 → (0.0715 / 2 + 0.5) * 255 = 136.6
            assertThat(preview.sample(0, 0, 0)).isEqualTo(137);
            assertThat(ImageCodec.decode(LatentPreview.png(latents)).pixels()).isEqualTo(preview.pixels());
            // SDXL's coefficients (A1111's cheap_approximation for is_sdxl): R = 0.5 * (0.3448 - 0.1953 + 0.1074
            // - 0.3730) = -0.058 → 120.1; G = 0.5 * (0.4168 - 0.0290 + 0.0886 - 0.2499) = 0.113 → 141.9
            RgbImage sdxl = LatentPreview.toImage(latents, true);
            assertThat(sdxl.sample(0, 0, 0)).isEqualTo(120);
            assertThat(sdxl.sample(0, 0, 1)).isEqualTo(142);
        }
    }
}
