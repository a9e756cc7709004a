package dev.sdbot.inference.upscale;

import ai.djl.ndarray.NDManager;
import dev.sdbot.inference.image.RgbImage;
import dev.sdbot.inference.selftest.CheckResult;
import dev.sdbot.inference.selftest.UpscalerChecks;
import dev.sdbot.inference.weights.CheckpointException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The tiny reference nets of {@code src/test/resources/upscalers/make_upscaler_refs.py}. */
class ImageUpscalerTest {
    @TempDir
    Path dir;

    private Path net(String name) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/upscalers/" + name)) {
            Path file = dir.resolve(name);
            Files.copy(in, file);
            return file;
        }
    }

    @Test
    void everyNetworkMatchesItsReferenceCode() {
        List<CheckResult> results = UpscalerChecks.runBundled();
        assertThat(results).hasSize(4);
        assertThat(results).allSatisfy(r -> assertThat(r.passed()).as(r.toString()).isTrue());
    }

    @Test
    void tilesWithContextCoveringTheReceptiveFieldGiveTheWholeImageResult() throws IOException {
        RgbImage image = noise(40, 28);
        try (NDManager manager = NDManager.newBaseManager()) {
            UpscalerNet compact = ImageUpscaler.net(net("tiny-srvgg-x4.safetensors"), manager);
            // 5 convolutions of 3x3 see 5 pixels each way: 8 pixels of context cover it
            RgbImage whole = new ImageUpscaler(compact, 1000, 0).runTiled(image, manager);
            RgbImage tiled = new ImageUpscaler(compact, 16, 8).runTiled(image, manager);
            assertThat(tiled.width()).isEqualTo(160);
            assertThat(maxLevelDifference(tiled, whole)).isLessThanOrEqualTo(1);

            UpscalerNet x2 = ImageUpscaler.net(net("tiny-rrdb-x2.safetensors"), manager);
            RgbImage wholeX2 = new ImageUpscaler(x2, 1000, 0).runTiled(image, manager);
            RgbImage tiledX2 = new ImageUpscaler(x2, 16, 16).runTiled(image, manager);
            assertThat(tiledX2.width()).isEqualTo(80);
            assertThat(maxLevelDifference(tiledX2, wholeX2)).isLessThanOrEqualTo(1);
        }
    }

    @Test
    void aScaleOtherThanTheNetworksIsReachedByLanczos() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            ImageUpscaler x4 = ImageUpscaler.load(net("tiny-rrdb-x4.safetensors"), manager);
            RgbImage out = x4.upscale(noise(20, 12), 2, manager);
            assertThat(out.width()).isEqualTo(40);
            assertThat(out.height()).isEqualTo(24);
        }
    }

    @Test
    void anUnknownArchitectureIsRefusedNamingWhatIsSupported() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            Path notAnUpscaler = Path.of(getClass().getResource("/pickles/state.safetensors").getPath());
            assertThatThrownBy(() -> ImageUpscaler.load(notAnUpscaler, manager))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("neither an ESRGAN/Real-ESRGAN RRDBNet nor an SRVGGNetCompact");
        }
    }

    static RgbImage noise(int w, int h) {
        byte[] px = new byte[w * h * 3];
        new Random(7).nextBytes(px);
        return new RgbImage(w, h, px);
    }

    private static int maxLevelDifference(RgbImage a, RgbImage b) {
        int max = 0;
        for (int i = 0; i < a.pixels().length; i++) {
            max = Math.max(max, Math.abs((a.pixels()[i] & 0xff) - (b.pixels()[i] & 0xff)));
        }
        return max;
    }
}
