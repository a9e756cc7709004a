package dev.sdbot.inference.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.weights.SafetensorsFile;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SeededNoiseTest {

    @Test
    void seed42IsExactlyTorchRandn() {
        try (NDManager manager = NDManager.newBaseManager();
             SafetensorsFile ref = SafetensorsFile.open(Fixtures.LDM.resolve("mini-sd15-reference/reference.safetensors"))) {
            NDArray expected = ref.load("seed42.randn_1x4x64x64", manager);
            NDArray actual = SeededNoise.draw(manager, 42, expected.getShape(), 1).get(0);
            assertThat(actual.contentEquals(expected)).isTrue();
        }
    }

    @Test
    void sameSeedSameSequenceAndLaterDrawsDiffer() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Shape shape = new Shape(1, 4, 8, 8);
            List<NDArray> a = SeededNoise.draw(manager, 4_000_000_000L, shape, 2);
            List<NDArray> b = SeededNoise.draw(manager, 4_000_000_000L, shape, 2);
            List<NDArray> c = SeededNoise.draw(manager, 4_000_000_001L, shape, 1);
            assertThat(a.get(0).contentEquals(b.get(0))).isTrue();
            assertThat(a.get(1).contentEquals(b.get(1))).isTrue();
            assertThat(a.get(0).contentEquals(a.get(1))).isFalse();
            assertThat(a.get(0).contentEquals(c.get(0))).isFalse();
        }
    }

    @Test
    void randomSeedsStayInTheUsualRange() {
        for (int i = 0; i < 100; i++) {
            assertThat(SeededNoise.randomSeed()).isBetween(0L, (1L << 32) - 1);
        }
    }
}
