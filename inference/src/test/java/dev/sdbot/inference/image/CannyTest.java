package dev.sdbot.inference.image;

import ai.djl.ndarray.NDManager;
import dev.sdbot.inference.weights.SafetensorsFile;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link Canny} against OpenCV's {@code cv2.Canny} on an RGB image ({@code controlnet/make_canny_refs.py}). */
class CannyTest {
    @Test
    void edgesAreOpenCvsAtBothThresholdPairs() throws Exception {
        Path refs = Path.of(getClass().getResource("/controlnet/canny-refs.safetensors").toURI());
        try (SafetensorsFile ref = SafetensorsFile.open(refs); NDManager manager = NDManager.newBaseManager()) {
            long[] shape = ref.info("image").shape();
            RgbImage image = new RgbImage((int) shape[1], (int) shape[0], ref.load("image", manager).toByteArray());
            for (int[] t : new int[][]{{100, 200}, {50, 120}}) {
                byte[] expected = ref.load("edges." + t[0] + "." + t[1], manager).toByteArray();
                RgbImage edges = Canny.edges(image, t[0], t[1]);
                int differing = 0;
                int set = 0;
                for (int i = 0; i < expected.length; i++) {
                    set += expected[i] != 0 ? 1 : 0;
                    differing += (edges.pixels()[3 * i] != expected[i]) ? 1 : 0;
                    assertThat(edges.pixels()[3 * i + 1]).isEqualTo(edges.pixels()[3 * i]);
                }
                assertThat(set).as("the reference has edges").isGreaterThan(100);
                assertThat(differing).as("pixels unlike OpenCV at " + t[0] + "/" + t[1]).isZero();
            }
        }
    }
}
