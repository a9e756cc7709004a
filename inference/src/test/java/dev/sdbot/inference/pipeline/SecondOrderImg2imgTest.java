package dev.sdbot.inference.pipeline;

import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.GenerationResult;
import dev.sdbot.inference.api.Progress;
import dev.sdbot.inference.api.ProgressListener;
import dev.sdbot.inference.api.Sampler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** img2img with samplers that call the model twice per step starts at the step the strength asks for. */
class SecondOrderImg2imgTest {
    @TempDir
    static Path models;
    private static DiffusionGenerator generator;

    @BeforeAll
    static void open() throws IOException {
        Files.createSymbolicLink(models.resolve("mini-sd15"), Fixtures.LDM.resolve("mini-sd15"));
        generator = new DiffusionGenerator(models, 4);
    }

    @AfterAll
    static void close() {
        generator.close();
    }

    @Test
    void strengthSkipsWholeStepsOfSecondOrderSamplers() throws Exception {
        byte[] init = generator.generate(request(Sampler.DDIM, null, 1.0), ProgressListener.NONE).images().get(0).png();
        // 4 steps at strength 0.5: A1111 runs steps 1 to 3; each calls the model twice but the last (to sigma 0) once
        for (Sampler s : List.of(Sampler.HEUN, Sampler.DPM2_KARRAS, Sampler.DPMPP_SDE_KARRAS)) {
            List<Progress> progress = new ArrayList<>();
            GenerationResult result = generator.generate(request(s, init, 0.5), progress::add);
            assertThat(result.images()).hasSize(1);
            assertThat(progress.get(progress.size() - 1).totalSteps()).as(s.id()).isEqualTo(5);
        }
    }

    private static GenerationRequest request(Sampler sampler, byte[] init, double strength) {
        return new GenerationRequest("a red apple", "", "mini-sd15", sampler, 4, 7.0, 64, 64, 3L, 1, init, strength,
                null, 1);
    }
}
