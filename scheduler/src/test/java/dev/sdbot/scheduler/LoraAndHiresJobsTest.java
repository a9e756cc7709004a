package dev.sdbot.scheduler;

import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.inference.api.GenerationException;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.GenerationResult;
import dev.sdbot.inference.api.HiresFix;
import dev.sdbot.inference.api.HiresUpscaler;
import dev.sdbot.inference.api.ImageGenerator;
import dev.sdbot.inference.api.ProgressListener;
import dev.sdbot.scheduler.testing.JobSystem;
import dev.sdbot.scheduler.worker.TestPatternGenerator;
import dev.sdbot.scheduler.worker.WorkerSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Instant;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Workers publish their LoRAs; tags and hires fixes no live worker could run are refused before queueing. */
@ExtendWith(EmbeddedPostgresExtension.class)
class LoraAndHiresJobsTest {
    private TestDatabase db;
    private JobSystem system;

    @BeforeEach
    void setUp(TestDatabase db) {
        this.db = db;
        db.update("TRUNCATE jobs, workers, usage_counters CASCADE");
        system = new JobSystem(db);
    }

    @AfterEach
    void tearDown() throws Exception {
        system.close();
    }

    private static ImageGenerator withLoras(Set<String> loras) {
        TestPatternGenerator pattern = new TestPatternGenerator();
        return new ImageGenerator() {
            @Override
            public GenerationResult generate(GenerationRequest request, ProgressListener listener) throws GenerationException {
                return pattern.generate(request, listener);
            }

            @Override
            public Set<String> availableModels() {
                return pattern.availableModels();
            }

            @Override
            public Set<String> loadedModels() {
                return pattern.loadedModels();
            }

            @Override
            public Set<String> availableLoras() {
                return loras;
            }
        };
    }

    private long submit(GenerationRequest r) throws Exception {
        return system.jobs().submit(new JobSubmission(r, new JobOrigin(1, 2, 3, 4, "token", Instant.now().plusSeconds(900))));
    }

    @Test
    void loraTagsAreCheckedAgainstWhatLiveWorkersPublish() throws Exception {
        GenerationRequest tagged = JobSystem.request("<lora:detail:0.7> a lighthouse", 2);
        assertThatThrownBy(() -> submit(tagged)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown LoRA 'detail'; available: none");
        system.startWorker(WorkerSettings.defaults().withId("w").withSlots(1)
                .withTiming(JobSystem.HEARTBEAT, JobSystem.POLL), withLoras(Set.of("detail", "style")));

        assertThat(system.jobs().availableLoras()).containsExactly("detail", "style");
        long id = submit(tagged);
        assertThat(system.jobs().find(id).orElseThrow().request().prompt()).isEqualTo("<lora:detail:0.7> a lighthouse");
        assertThatThrownBy(() -> submit(JobSystem.request("a <lora:other> b", 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("unknown LoRA 'other'; available: detail, style");
        assertThatThrownBy(() -> submit(JobSystem.request("a <lora:detail:x> b", 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'x' is not a number");
        assertThat(db.queryLong("SELECT count(*) FROM jobs")).isEqualTo(1);
    }

    @Test
    void aHiresFixIsStoredWithTheJobAndBoundedByTheWorkersPixelBudget() throws Exception {
        system.startWorker(new WorkerSettings("w", "cpu", 1, 128 * 128, JobSystem.HEARTBEAT, JobSystem.POLL),
                withLoras(Set.of()));
        HiresFix fix = new HiresFix(1.5, HiresUpscaler.LANCZOS, 7, 0.45);
        long id = submit(JobSystem.request("a lighthouse", 2).withHires(fix));
        GenerationRequest stored = system.jobs().find(id).orElseThrow().request();
        assertThat(stored.hires()).isEqualTo(fix);
        assertThat(stored.outputWidth()).isEqualTo(96);
        assertThat(system.jobs().find(submit(JobSystem.request("plain", 2))).orElseThrow().request().hires()).isNull();

        assertThat(system.jobs().largestPixelBudget()).isEqualTo(128 * 128);
        GenerationRequest r = JobSystem.request("big", 2);
        GenerationRequest large = new GenerationRequest(r.prompt(), "", r.model(), r.sampler(), 2, 7, 128, 128, null, 1,
                null, 0.75, null, 1);
        submit(large); // 128x128 fits the budget...
        assertThatThrownBy(() -> submit(large.withHires(new HiresFix(2, HiresUpscaler.LATENT, 0, 0.5))))
                .isInstanceOf(IllegalArgumentException.class) // ...its 2x hires fix does not
                .hasMessage("hires fix to 256x256 x 1 image(s) is 65536 pixels, more than any worker takes (16384);"
                        + " lower the hires scale, the size or the count");
        assertThatThrownBy(() -> submit(r.withHires(new HiresFix(2, HiresUpscaler.LATENT, 0, 0))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hires strength must be in (0, 1]");
    }

    @Test
    void theDispatcherCountsTheHiresOutputAgainstEachWorkersBudget() throws Exception {
        system.startNode();
        system.startWorker(new WorkerSettings("small", "cpu", 1, 64 * 64, JobSystem.HEARTBEAT, JobSystem.POLL),
                withLoras(Set.of()));
        system.startWorker(new WorkerSettings("large", "cpu", 1, 128 * 128, JobSystem.HEARTBEAT, JobSystem.POLL),
                withLoras(Set.of()));
        java.util.List<Long> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) { // 64x64 fits "small", its 2x hires output only "large"
            ids.add(submit(JobSystem.request("hires " + i, 2).withHires(new HiresFix(2, HiresUpscaler.LATENT, 0, 0.5))));
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> ids.stream()
                .allMatch(id -> system.jobs().find(id).orElseThrow().state() == JobState.SUCCEEDED));
        for (long id : ids) {
            assertThat(system.jobs().find(id).orElseThrow().workerId()).isEqualTo("large");
        }
    }
}
