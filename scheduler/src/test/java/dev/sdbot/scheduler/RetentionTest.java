package dev.sdbot.scheduler;

import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.inference.api.ControlMode;
import dev.sdbot.scheduler.images.ImageKeys;
import dev.sdbot.scheduler.images.ImageStore;
import dev.sdbot.scheduler.testing.JobSystem;
import dev.sdbot.scheduler.usage.UsageReport;
import dev.sdbot.scheduler.usage.UsageReports;
import dev.sdbot.scheduler.worker.TestPatternGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Retention removes every image a job left behind, not only its result PNGs (the objects in the image store: results,
 * an orphan of a crashed attempt, input images; and the bytes of rows written before the image store, control images
 * too), and old rows of
 * every growing table.
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
            // and a ControlNet job its control image
            db.update("UPDATE jobs SET control_images = ARRAY['\\x89'::bytea], control_units = '[{\"model\": \"cn\","
                    + " \"preprocessor\": \"canny\", \"cannyLow\": 100, \"cannyHigh\": 200, \"weight\": 0.5,"
                    + " \"start\": 0, \"end\": 1, \"mode\": \"prompt\"}]'");
            JobView controlJob = system.jobs().find(ids.get(0)).orElseThrow();
            assertThat(system.jobs().requestWithImages(controlJob).controls()).singleElement()
                    .satisfies(u -> {
                        assertThat(u.model()).isEqualTo("cn");
                        assertThat(u.image()).containsExactly(0x89);
                        assertThat(u.mode()).isEqualTo(ControlMode.PROMPT);
                    });
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
                    + " AND preview_png IS NULL AND init_image IS NULL AND mask_image IS NULL AND control_images IS NULL"
                    + " AND control_units = '[]'", ids.get(0)) == 1);
            assertThat(system.jobs().find(ids.get(0)).orElseThrow().request().controls()).isEmpty();
            assertThat(db.queryLong("SELECT count(*) FROM jobs WHERE id = ? AND preview_png IS NOT NULL"
                    + " AND init_image IS NOT NULL AND mask_image IS NOT NULL AND control_images IS NOT NULL", ids.get(1))).as("a recent job keeps them").isEqualTo(1);
            assertThat(db.queryLong("SELECT count(*) FROM jobs")).as("rows stay for accounting").isEqualTo(2);
            assertThat(images.get(result)).as("result object deleted").isNull();
            assertThat(images.get(orphan)).as("orphan of a crashed attempt deleted").isNull();
            assertThat(images.get(inputs.get(0))).as("input image deleted").isNull();
            assertThat(db.queryLong("SELECT count(*) FROM jobs WHERE id = ? AND init_image_key IS NULL", ids.get(0))).isEqualTo(1);
            assertThat(images.get(inputs.get(1))).as("a recent job's input stays").isNotNull();
            assertThat(images.get(ImageKeys.result(ids.get(1), 1, 0))).as("a recent job's result stays").isNotNull();
        }
    }

    @Test
    void rowRetentionRollsTheLedgerUpThenDeletesOldRowsAndUsageReportsStayTheSame(TestDatabase db) throws Exception {
        db.update("TRUNCATE jobs, workers, usage_counters, usage_daily, moderation_events, member_turns CASCADE");
        // jobs of guild 7: one ended 100 days ago, one 10 days ago, one today; a ledger row each (two for the middle
        // one: a failed attempt on another worker, then the billed one)
        long old = finishedJob(db, 100);
        long middle = finishedJob(db, 10);
        long recent = finishedJob(db, 0);
        ledger(db, old, 100, "w1", 2, 1000);
        ledger(db, middle, 10, null, 0, 300);
        ledger(db, middle, 10, "w1", 3, 2000);
        ledger(db, recent, 0, "w2", 1, 500);
        db.update("UPDATE jobs SET interaction_token = 'token' WHERE id IN (?, ?)", middle, recent);
        db.update("INSERT INTO moderation_events (guild_id, job_id, user_id, kind, reason, created_at) VALUES"
                + " (7, ?, 1, 'FILTER_BLOCK', 'old', now() - interval '400 days'), (7, ?, 1, 'FILTER_BLOCK', 'new', now())",
                old, recent);
        db.update("INSERT INTO member_turns (guild_id, user_id, last_assigned_at) VALUES (7, 1, now() - interval '40 days'),"
                + " (7, 2, now())");
        UsageReports reports = new UsageReports(db.dataSource());
        UsageReport before = reports.report(7, null, 30);

        // the ledger kept 5 days, jobs 60: the middle job's rows are rolled up, the old job goes with its rolled-up row
        RowRetention retention = new RowRetention(Duration.ofDays(60), Duration.ofDays(5), Duration.ofDays(365),
                Duration.ofDays(30));
        try (JobSystem system = new JobSystem(db, JobSystem.FAST.withRowRetention(retention), java.time.Clock.systemUTC())) {
            system.startNode().triggerNow("row-retention");
            await().atMost(Duration.ofSeconds(20)).until(() -> db.queryLong("SELECT count(*) FROM jobs WHERE id = ?", old) == 0);
        }

        assertThat(db.queryLong("SELECT count(*) FROM usage_ledger")).as("only today's row is left").isEqualTo(1);
        assertThat(db.queryLong("SELECT count(*) FROM usage_daily")).as("per day, member, model and worker").isEqualTo(3);
        assertThat(db.queryLong("SELECT attempts FROM usage_daily WHERE worker_id = '' AND gpu_ms = 300")).isEqualTo(1);
        UsageReport after = reports.report(7, null, 30);
        assertThat(after.windowTotals()).isEqualTo(before.windowTotals());
        assertThat(after.weekTotals()).isEqualTo(before.weekTotals());
        assertThat(after.daily()).isEqualTo(before.daily());
        assertThat(after.topMembers()).isEqualTo(before.topMembers());
        assertThat(after.perModel()).isEqualTo(before.perModel());
        assertThat(after.perWorker()).isEqualTo(before.perWorker());
        assertThat(after.windowTotals().gpuMillis()).isEqualTo(2800);

        assertThat(db.queryLong("SELECT count(*) FROM jobs")).isEqualTo(2);
        assertThat(db.queryLong("SELECT count(*) FROM jobs WHERE interaction_token IS NOT NULL")).as("cleared a day after")
                .isEqualTo(1);
        assertThat(db.queryLong("SELECT count(*) FROM moderation_events")).isEqualTo(1);
        assertThat(db.queryLong("SELECT count(*) FROM member_turns")).isEqualTo(1);
    }

    private static long finishedJob(TestDatabase db, int daysAgo) {
        db.update("INSERT INTO jobs (state, prompt, model, sampler, steps, cfg_scale, width, height, image_count, guild_id,"
                + " user_id, attempt, created_at, updated_at, finished_at) VALUES ('POSTED', 'p', 'test-pattern', 'euler_a', 2, 7,"
                + " 64, 64, 1, 7, 1, 1, now() - ? * interval '1 day', now(), now() - ? * interval '1 day')", daysAgo, daysAgo);
        return db.queryLong("SELECT max(id) FROM jobs");
    }

    private static void ledger(TestDatabase db, long job, int daysAgo, String worker, int images, long gpuMs) {
        db.update("INSERT INTO usage_ledger (job_id, attempt, guild_id, user_id, worker_id, outcome, images, gpu_ms, usage_day,"
                + " recorded_at) VALUES (?, 1, 7, 1, ?, 'SUCCEEDED', ?, ?, (now() AT TIME ZONE 'UTC')::date - ?::int,"
                + " now() - ? * interval '1 day')", job, worker, images, gpuMs, daysAgo, daysAgo);
    }
}
