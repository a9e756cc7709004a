package dev.sdbot.scheduler;

import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.scheduler.images.ImageKeys;
import dev.sdbot.scheduler.images.ImageStore;
import dev.sdbot.scheduler.testing.JobSystem;
import dev.sdbot.scheduler.worker.TestPatternGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Retention removes every image a job left behind, not only its result PNGs: the objects in the image store (results,
 * an orphan of a crashed attempt, input images) and the bytes of rows written before the image store.
 */
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
            // as an inpainting job with a preview would have left them before the image store (V34) ...
            db.update("UPDATE jobs SET preview_png = '\\x89'::bytea, init_image = '\\x89'::bytea, mask_image = '\\x89'::bytea");
            // ... and with it: input images in the store, and an attempt that crashed after writing its image
            ImageStore images = system.images();
            List<String> inputs = List.of(ImageKeys.newInput("init"), ImageKeys.newInput("init"));
            for (int i = 0; i < 2; i++) {
                images.put(inputs.get(i), new byte[] {1});
                db.update("UPDATE jobs SET init_image_key = ? WHERE id = ?", inputs.get(i), ids.get(i));
            }
            String orphan = ImageKeys.result(ids.get(0), 0, 0);
            images.put(orphan, new byte[] {2});
            String result = ImageKeys.result(ids.get(0), 1, 0);
            assertThat(images.get(result)).as("the result is in the store").isNotNull();
            db.update("UPDATE jobs SET finished_at = now() - interval '30 days' WHERE id = ?", ids.get(0));
            db.update("UPDATE job_results SET created_at = now() - interval '30 days' WHERE job_id = ?", ids.get(0));

            node.triggerNow("retention");

            await().atMost(Duration.ofSeconds(20)).until(() -> system.jobs().results(ids.get(0)).get(0).png() == null);
            await().atMost(Duration.ofSeconds(5)).until(() -> db.queryLong("SELECT count(*) FROM jobs WHERE id = ?"
                    + " AND preview_png IS NULL AND init_image IS NULL AND mask_image IS NULL", ids.get(0)) == 1);
            assertThat(db.queryLong("SELECT count(*) FROM jobs WHERE id = ? AND preview_png IS NOT NULL"
                    + " AND init_image IS NOT NULL AND mask_image IS NOT NULL", ids.get(1))).as("a recent job keeps them").isEqualTo(1);
            assertThat(db.queryLong("SELECT count(*) FROM jobs")).as("rows stay for accounting").isEqualTo(2);
            assertThat(images.get(result)).as("result object deleted").isNull();
            assertThat(images.get(orphan)).as("orphan of a crashed attempt deleted").isNull();
            assertThat(images.get(inputs.get(0))).as("input image deleted").isNull();
            assertThat(db.queryLong("SELECT count(*) FROM jobs WHERE id = ? AND init_image_key IS NULL", ids.get(0))).isEqualTo(1);
            assertThat(images.get(inputs.get(1))).as("a recent job's input stays").isNotNull();
            assertThat(images.get(ImageKeys.result(ids.get(1), 1, 0))).as("a recent job's result stays").isNotNull();
        }
    }
}
