package dev.sdbot.inference.model;

import ai.djl.ndarray.types.Shape;
import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.weights.SafetensorsFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** The random-weight layout must be exactly diffusers' layout: compared with the fixture checkpoints. */
class RandomWeightsTest {

    @ParameterizedTest
    @ValueSource(strings = {"mini-sd15", "mini-sd21v", "mini-sd15-inpainting", "mini-sdxl"})
    void unetLayoutMatchesDiffusers(String model) {
        Path dir = Fixtures.LDM.resolve(model).resolve("unet");
        assertThat(new TreeMap<>(RandomWeights.unetShapes(UNetConfig.fromJson(dir.resolve("config.json")))))
                .isEqualTo(shapes(dir.resolve("diffusion_pytorch_model.safetensors")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"mini-sd15", "mini-sd21v"})
    void vaeLayoutMatchesDiffusers(String model) {
        Path dir = Fixtures.LDM.resolve(model).resolve("vae");
        assertThat(new TreeMap<>(RandomWeights.vaeShapes(VaeConfig.fromJson(dir.resolve("config.json")))))
                .isEqualTo(shapes(dir.resolve("diffusion_pytorch_model.safetensors")));
    }

    private static Map<String, Shape> shapes(Path file) {
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            Map<String, Shape> result = new TreeMap<>();
            f.keys().forEach(k -> result.put(k, new Shape(f.info(k).shape())));
            return result;
        }
    }
}
