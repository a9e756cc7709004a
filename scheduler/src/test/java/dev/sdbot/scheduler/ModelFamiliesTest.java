package dev.sdbot.scheduler;

import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.inference.api.GenerationException;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.GenerationResult;
import dev.sdbot.inference.api.ImageGenerator;
import dev.sdbot.inference.api.ProgressListener;
import dev.sdbot.inference.api.ModelFamily;
import dev.sdbot.scheduler.testing.JobSystem;
import dev.sdbot.scheduler.worker.TestPatternGenerator;
import dev.sdbot.scheduler.worker.WorkerRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Workers announce each model's family (workers.model_families) and their inpainting models
 * (workers.inpainting_models); the job service reads them from live workers.
 */
@ExtendWith(EmbeddedPostgresExtension.class)
class ModelFamiliesTest {

    /** The test pattern under two names, one announced as SDXL, one as SD 1.x. */
    private static ImageGenerator withFamilies(Map<String, ModelFamily> families) {
        TestPatternGenerator patterns = new TestPatternGenerator(families.keySet(), Duration.ZERO);
        return new ImageGenerator() {
            @Override
            public GenerationResult generate(GenerationRequest request, ProgressListener listener) throws GenerationException {
                return patterns.generate(request, listener);
            }

            @Override
            public Set<String> availableModels() {
                return patterns.availableModels();
            }

            @Override
            public Map<String, ModelFamily> modelFamilies() {
                return families;
            }

            @Override
            public Set<String> inpaintingModels() {
                return patterns.availableModels().stream().filter(m -> m.endsWith("-inpainting"))
                        .collect(java.util.stream.Collectors.toSet());
            }

            @Override
            public Map<String, Integer> nativeSides() {
                Map<String, Integer> sides = new java.util.TreeMap<>();
                families.forEach((model, family) -> sides.put(model, family == ModelFamily.SDXL ? 1024 : 128));
                return sides;
            }

            @Override
            public Set<String> loadedModels() {
                return Set.of();
            }
        };
    }

    @Test
    void liveWorkersFamiliesAreKnownAndAStoppedWorkersAreNot(TestDatabase db) throws Exception {
        db.update("TRUNCATE jobs, workers, usage_counters CASCADE");
        try (JobSystem system = new JobSystem(db)) {
            WorkerRuntime xl = system.startWorker("xl", 1, withFamilies(Map.of("big-xl", ModelFamily.SDXL,
                    "big-xl-inpainting", ModelFamily.SDXL)));
            system.startWorker("sd", 1, withFamilies(Map.of("small-sd", ModelFamily.SD1)));
            assertThat(system.jobs().modelFamilies()).isEqualTo(Map.of("big-xl", ModelFamily.SDXL,
                    "big-xl-inpainting", ModelFamily.SDXL, "small-sd", ModelFamily.SD1));
            assertThat(system.jobs().inpaintingModels()).containsExactly("big-xl-inpainting");
            assertThat(system.jobs().nativeSides()).isEqualTo(Map.of("big-xl", 1024, "big-xl-inpainting", 1024,
                    "small-sd", 128));

            xl.stop(Duration.ofSeconds(5));
            assertThat(system.jobs().modelFamilies()).isEqualTo(Map.of("small-sd", ModelFamily.SD1));
            assertThat(system.jobs().inpaintingModels()).isEmpty();
            assertThat(system.jobs().nativeSides()).isEqualTo(Map.of("small-sd", 128));
        }
    }
}
