package dev.sdbot.inference.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Byte-exactness with Pillow 12.3 {@code Image.resize(size, resample, reducing_gap=None)}: the expected
 * values are the first 8 bytes of the SHA-256 of Pillow's output for the synthetic images below, in
 * RGB and L mode, down- and upscaling, per filter; and of {@code convert("L")}.
 */
class ResamplerTest {
    private static final int W = 61;
    private static final int H = 47;

    private static RgbImage rgb() {
        byte[] px = new byte[W * H * 3];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                for (int c = 0; c < 3; c++) {
                    px[(y * W + x) * 3 + c] = (byte) (x * 7 + y * 13 + c * 50 + ((x * y) % 17) * 9);
                }
            }
        }
        return new RgbImage(W, H, px);
    }

    private static GrayImage gray() {
        byte[] px = new byte[W * H];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                px[y * W + x] = (byte) (x * 5 + y * 11 + ((x * y) % 13) * 17);
            }
        }
        return new GrayImage(W, H, px);
    }

    private static String sha(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 16);
    }

    @Test
    void lumaMatchesPillowConvertL() throws Exception {
        assertThat(sha(GrayImage.luma(rgb()).pixels())).isEqualTo("dd4fd39c422f7fc7");
    }

    @ParameterizedTest
    @CsvSource({
            "LANCZOS, 20, 15, f5b2f584d4dd5521, 0c5356242443b5f1",
            "LANCZOS, 128, 100, a9ed9a1d3b2139ab, c53ae2d7950db74f",
            "LANCZOS, 61, 30, d8b557c378b03433, 2cd8567ed41835be",
            "LANCZOS, 150, 47, 72dc24ba3bff0c10, 0d27d9de67e5d02c",
            "LANCZOS, 33, 90, afafa2b43b058eec, 9572e0f6927f21f9",
            "BILINEAR, 20, 15, e9cfc5b1e209ce10, dbd4bded2cdfdd7c",
            "BILINEAR, 128, 100, ec265a584acb773c, f331b641f6b3c12b",
            "BILINEAR, 61, 30, 98abf563d7e35af8, 494504de6aa24be0",
            "BILINEAR, 150, 47, 1fb0f0d8a79ce60c, 99333cfd2bcff511",
            "BILINEAR, 33, 90, 7eb8d23f7f469a41, 4e0b2ddb66bdcbb9",
            "BICUBIC, 20, 15, 06cddd5b8faee83c, 41d30e272184fcc1",
            "BICUBIC, 128, 100, b7c23826009a10c2, 573afffeafa10140",
            "BICUBIC, 61, 30, 83d04546d19c6908, 8d61c3b0a373b1cd",
            "BICUBIC, 150, 47, 95009ffa88725976, 2df1f56021b9d73a",
            "BICUBIC, 33, 90, b110b29befc243b4, 5d53f3e7d2abe318",
    })
    void matchesPillow(Resampler.Filter filter, int w, int h, String rgbSha, String graySha) throws Exception {
        assertThat(sha(Resampler.resize(rgb(), w, h, filter).pixels())).isEqualTo(rgbSha);
        assertThat(sha(Resampler.resize(gray(), w, h, filter).pixels())).isEqualTo(graySha);
    }

    /** A1111's {@code resize_image} mode 1 ("Crop and resize") with Pillow's Lanczos. */
    @ParameterizedTest
    @CsvSource({
            "40, 40, 8b1070d612f7663b",
            "101, 47, 14ca6ab4aafb681f",
            "30, 64, 145b31a148cff9e6",
            "64, 30, 6aa0c05c44d6eb8b",
    })
    void cropModeMatchesA1111(int w, int h, String sha) throws Exception {
        assertThat(sha(ImageResize.fit(rgb(), w, h, ImageResize.Mode.CROP).pixels())).isEqualTo(sha);
    }
}
