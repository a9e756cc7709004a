package dev.sdbot.scheduler;

import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.scheduler.images.ImageKeys;
import dev.sdbot.scheduler.images.ImageStore;
import dev.sdbot.scheduler.images.S3ImageStore;
import dev.sdbot.scheduler.testing.JobSystem;
import dev.sdbot.scheduler.worker.TestPatternGenerator;
import dev.sdbot.testkit.s3.S3TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Row retention deletes the image-store objects of the jobs it deletes (results, an orphan of a crashed attempt, input
 * and control images) on both stores, also when the image retention is longer than the row retention (before, those objects
 * stayed in the store with no row naming them), and a run that stopped after deleting the objects but before the rows
 * is finished by the next.
 */
@ExtendWith(EmbeddedPostgresExtension.class)
class RowRetentionImagesTest {
    @TempDir
    static Path dir;
    static S3TestServer s3;

    @BeforeAll
    static void startS3() {
        s3 = S3TestServer.start(dir.resolve("s3"));
    }

    @AfterAll
    static void stopS3() throws Exception {
        s3.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"fs", "s3"})
    void deletedJobsTakeTheirStoredImagesWithThem(String kind, TestDatabase db) throws Exception {
        db.update("TRUNCATE jobs, workers, usage_counters CASCADE");
        // jobs kept 60 days, their images 120: the image purge never sees these jobs' images
        SchedulerSettings settings = JobSystem.FAST.withResultRetention(Duration.ofDays(120)).withRowRetention(
                new RowRetention(Duration.ofDays(60), Duration.ofDays(90), Duration.ofDays(365), Duration.ofDays(30)));
        ImageStore images = kind.equals("fs") ? JobSystem.imagesOf(db) : new S3ImageStore(s3.endpoint(), "us-east-1", "retention", true,
                StaticCredentialsProvider.create(AwsBasicCredentials.create(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY)));
        try (images; JobSystem system = new JobSystem(db, settings, Clock.systemUTC(), images)) {
            SchedulerNode node = system.startNode();
            system.startWorker("w", 2, new TestPatternGenerator());
            List<Long> ids = system.jobs().submitCopies(new JobSubmission(JobSystem.request("old", 1), JobOrigin.cli(0, 1)), 3);
            await().atMost(Duration.ofSeconds(20)).until(() -> ids.stream()
                    .allMatch(id -> system.jobs().find(id).orElseThrow().state() == JobState.SUCCEEDED));
            long old = ids.get(0);
            long interrupted = ids.get(1);
            long recent = ids.get(2);
            List<String> inputs = List.of(ImageKeys.newInput("init"), ImageKeys.newInput("mask"), ImageKeys.newInput("init"),
                    ImageKeys.newInput("control-0"));
            inputs.forEach(k -> images.put(k, new byte[] {1}));
            db.update("UPDATE jobs SET init_image_key = ?, mask_image_key = ? WHERE id = ?", inputs.get(0), inputs.get(1), old);
            db.update("UPDATE jobs SET control_image_keys = ARRAY[?], control_units = '[{\"model\": \"cn\","
                    + " \"preprocessor\": \"none\", \"cannyLow\": 100, \"cannyHigh\": 200, \"weight\": 1,"
                    + " \"start\": 0, \"end\": 1, \"mode\": \"balanced\"}]' WHERE id = ?", inputs.get(3), old);
            db.update("UPDATE jobs SET init_image_key = ? WHERE id = ?", inputs.get(2), recent);
            String orphan = ImageKeys.result(old, 0, 0);
            images.put(orphan, new byte[] {2});
            String result = ImageKeys.result(old, 1, 0);
            assertThat(images.get(result)).as("the result is in the store").isNotNull();
            // a run that deleted the interrupted job's objects, then stopped before deleting its row
            images.deletePrefix(ImageKeys.resultsOf(interrupted));
            db.update("UPDATE jobs SET finished_at = now() - interval '100 days' WHERE id IN (?, ?)", old, interrupted);
            db.update("UPDATE job_results SET created_at = now() - interval '100 days' WHERE job_id IN (?, ?)", old, interrupted);

            node.triggerNow("retention"); // the image purge: nothing of these jobs is old enough for it
            node.triggerNow("row-retention");

            await().atMost(Duration.ofSeconds(20)).until(() -> db.queryLong("SELECT count(*) FROM jobs") == 1);
            assertThat(db.queryLong("SELECT count(*) FROM jobs WHERE id = ?", recent)).isEqualTo(1);
            assertThat(images.get(result)).as("result object").isNull();
            assertThat(images.get(orphan)).as("orphan of a crashed attempt").isNull();
            assertThat(images.get(inputs.get(0))).as("init image").isNull();
            assertThat(images.get(inputs.get(1))).as("mask").isNull();
            assertThat(images.get(inputs.get(3))).as("control image").isNull();
            assertThat(images.get(ImageKeys.result(recent, 1, 0))).as("a recent job's result stays").isNotNull();
            assertThat(images.get(inputs.get(2))).as("a recent job's input stays").isNotNull();
        }
    }
}
