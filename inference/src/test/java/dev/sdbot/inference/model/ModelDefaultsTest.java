package dev.sdbot.inference.model;

import dev.sdbot.inference.api.Sampler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A model's {@code sdbot:} defaults in NAME.yaml beside it, read with a YAML library, refused when out of range. */
class ModelDefaultsTest {
    @TempDir
    Path dir;

    private ModelDefaults read(String yaml) throws IOException {
        Path model = Files.createFile(dir.resolve("turbo.safetensors"));
        Files.writeString(dir.resolve("turbo.yaml"), yaml);
        return ModelDefaults.read(model);
    }

    @Test
    void readsEveryKeyAndLeavesTheRestToTheCaller() throws IOException {
        ModelDefaults d = read("""
                model:            # an A1111 LDM config may share the file
                  params: {parameterization: eps}
                sdbot:
                  sampler: Euler a SGM Uniform
                  steps: 1
                  cfg: 1.0
                  clip_skip: 2
                  width: 512
                  height: 768
                  vae: taesd
                """);
        assertThat(d).isEqualTo(new ModelDefaults(Sampler.EULER_A_SGM_UNIFORM, 1, 1.0, 2, 512, 768, true));
        assertThat(d.decodesWithTinyVae()).isTrue();
        assertThat(d.preset().describe()).isEqualTo("Euler a SGM Uniform, 1 step, CFG 1, clip skip 2, 512x768");
        assertThat(dev.sdbot.inference.api.ModelPreset.decode(d.preset().encode())).isEqualTo(d.preset());
    }

    @Test
    void noSidecarOrNoSectionMeansNoDefaults() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("folder-model"));
        assertThat(ModelDefaults.read(folder)).isEqualTo(ModelDefaults.NONE);
        Files.writeString(dir.resolve("folder-model.yaml"), "sdbot:\n  steps: 6\n");
        assertThat(ModelDefaults.read(folder).steps()).isEqualTo(6);
        assertThat(read("model:\n  target: ldm\n")).isEqualTo(ModelDefaults.NONE);
    }

    @Test
    void outOfRangeAndUnknownValuesAreRefusedNamingTheFile() throws IOException {
        Path model = Files.createFile(dir.resolve("m.safetensors"));
        Path sidecar = dir.resolve("m.yaml");
        String[][] cases = {
                {"sdbot:\n  steps: 0\n", "steps must be a whole number between 1 and 150, got 0"},
                {"sdbot:\n  sampler: lcm\n  steps: 51\n", "between 1 and 50, got 51"},
                {"sdbot:\n  cfg: 31\n", "cfg must be a number between 1 and 30, got 31"},
                {"sdbot:\n  cfg: high\n", "cfg must be a number"},
                {"sdbot:\n  width: 500\n", "width must be a multiple of 8, got 500"},
                {"sdbot:\n  height: 4096\n", "height must be a whole number between 64 and 2048"},
                {"sdbot:\n  clip_skip: 0\n", "clip_skip must be a whole number between 1 and 12"},
                {"sdbot:\n  sampler: turbo\n", "unknown sampler 'turbo'"},
                {"sdbot:\n  vae: tiny-ish\n", "vae must be taesd (the tiny VAE) or full"},
                {"sdbot:\n  stepz: 4\n", "unknown key 'stepz'"},
                {"sdbot: [1, 2]\n", "must be a mapping"},
                {"sdbot: {steps: 4\n", "not valid YAML"},
        };
        for (String[] c : cases) {
            Files.writeString(sidecar, c[0]);
            assertThatThrownBy(() -> ModelDefaults.read(model)).as(c[0])
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(sidecar.toString()).hasMessageContaining(c[1]);
        }
    }
}
