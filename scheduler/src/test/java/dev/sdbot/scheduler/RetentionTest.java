package dev.sdbot.scheduler;

import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.inference.api.ControlMode;
import dev.sdbot.scheduler.testing.JobSystem;
import dev.sdbot.scheduler.worker.TestPatternGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Retention removes every image a job left behind (control images too), not only its result PNGs. */
@ExtendWith(EmbeddedPostgresExtension.class)
class RetentionTest {

    @Test
    void previewsInitImagesAndMasksOfJobsPastRetentionArePurged(TestDatabase db) throws Exception {
        db.update("TRUNCATE jobs, workers, usage_counters CASCADE");
        try (JobSystem system = new JobSystem(db)) {
            SchedulerNode node = system.startNode();
            system.startWorker("w", 2, new TestPatternGenerator());
            List<Long> ids = system.jobs().submitCopies(new JobSubmission(JobSystem.request("kept a while", 2), JobOrigin.cli(0, 1)), 2);
            await().atMost(Duration.ofSeconds(20)).until(() -> ids.stream()
                    .allMatch(id -> system.jobs().find(id).orElseThrow().state() == JobState.SUCCEEDED));
            // as an inpainting job with a preview would have left them
            db.update("UPDATE jobs SET preview_png = '\\x89'::bytea, init_image = '\\x89'::bytea, mask_image = '\\x89'::bytea");
            // and a ControlNet job its control image
            db.update("UPDATE jobs SET control_images = ARRAY['\\x89'::bytea], control_units = '[{\"model\": \"cn\","
                    + " \"preprocessor\": \"canny\", \"cannyLow\": 100, \"cannyHigh\": 200, \"weight\": 0.5,"
                    + " \"start\": 0, \"end\": 1, \"mode\": \"prompt\"}]'");
            assertThat(system.jobs().find(ids.get(0)).orElseThrow().request().controls()).singleElement()
                    .satisfies(u -> {
                        assertThat(u.model()).isEqualTo("cn");
                        assertThat(u.image()).containsExactly(0x89);
                        assertThat(u.mode()).isEqualTo(ControlMode.PROMPT);
                    });
            db.update("UPDATE jobs SET finished_at = now() - interval '30 days' WHERE id = ?", ids.get(0));
            db.update("UPDATE job_results SET created_at = now() - interval '30 days' WHERE job_id = ?", ids.get(0));

            node.triggerNow("retention");

            await().atMost(Duration.ofSeconds(20)).until(() -> system.jobs().results(ids.get(0)).get(0).png() == null);
            await().atMost(Duration.ofSeconds(5)).until(() -> db.queryLong("SELECT count(*) FROM jobs WHERE id = ?"
                    + " AND preview_png IS NULL AND init_image IS NULL AND mask_image IS NULL AND control_images IS NULL"
                    + " AND control_units = '[]'", ids.get(0)) == 1);
            assertThat(system.jobs().find(ids.get(0)).orElseThrow().request().controls()).isEmpty();
            assertThat(db.queryLong("SELECT count(*) FROM jobs WHERE id = ? AND preview_png IS NOT NULL"
                    + " AND init_image IS NOT NULL AND mask_image IS NOT NULL AND control_images IS NOT NULL", ids.get(1))).as("a recent job keeps them").isEqualTo(1);
            assertThat(db.queryLong("SELECT count(*) FROM jobs")).as("rows stay for accounting").isEqualTo(2);
        }
    }
}
