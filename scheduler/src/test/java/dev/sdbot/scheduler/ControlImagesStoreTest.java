package dev.sdbot.scheduler;

import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.inference.api.ControlNetUnit;
import dev.sdbot.inference.api.GenerationException;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.GenerationResult;
import dev.sdbot.inference.api.ImageGenerator;
import dev.sdbot.inference.api.ProgressListener;
import dev.sdbot.inference.image.ImageCodec;
import dev.sdbot.inference.image.RgbImage;
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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * ControlNet control images live in the image store (V42), not in the job row: a job with two units keeps one key per
 * unit and no bytes, the worker gets the very bytes submitted, the read of a job carries none, and retention deletes
 * the objects; a row queued before V42 (bytes in {@code control_images}) still runs with its own images.
 */
@ExtendWith(EmbeddedPostgresExtension.class)
class ControlImagesStoreTest {
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

    /** The test pattern, with a ControlNet to offer, keeping the request each prompt's generation got. */
    private static final class RecordingGenerator implements ImageGenerator {
        final ImageGenerator delegate = new TestPatternGenerator();
        final Map<String, GenerationRequest> seen = new ConcurrentHashMap<>();

        @Override
        public GenerationResult generate(GenerationRequest request, ProgressListener listener) throws GenerationException {
            seen.put(request.prompt(), request);
            return delegate.generate(request, listener);
        }

        @Override
        public Set<String> availableModels() {
            return delegate.availableModels();
        }

        @Override
        public Set<String> loadedModels() {
            return delegate.loadedModels();
        }

        @Override
        public Set<String> availableControlNets() {
            return Set.of("cn");
        }
    }

    private static byte[] png(int side, int shade) {
        byte[] rgb = new byte[side * side * 3];
        java.util.Arrays.fill(rgb, (byte) shade);
        return ImageCodec.encodePng(new RgbImage(side, side, rgb));
    }

    private static GenerationRequest twoUnits(String prompt, byte[] first, byte[] second) {
        return JobSystem.request(prompt, 1).withControls(List.of(ControlNetUnit.of("cn", first, "none"),
                ControlNetUnit.of("cn", second, "canny").withWeight(0.5)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"fs", "s3"})
    void controlImagesGoThroughTheStoreAndOldRowsStillRun(String kind, TestDatabase db) throws Exception {
        db.update("TRUNCATE jobs, workers, usage_counters CASCADE");
        ImageStore images = kind.equals("fs") ? JobSystem.imagesOf(db) : new S3ImageStore(s3.endpoint(), "us-east-1",
                "controls", true, StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY)));
        byte[] first = png(16, 10);
        byte[] second = png(24, 200);
        RecordingGenerator generator = new RecordingGenerator();
        try (images; JobSystem system = new JobSystem(db, JobSystem.FAST, Clock.systemUTC(), images)) {
            system.startWorker("w", 2, generator); // publishes the ControlNet; nothing runs before the node assigns
            long stored = system.jobs().submit(new JobSubmission(twoUnits("stored", first, second), JobOrigin.cli(0, 1)));
            long old = system.jobs().submit(new JobSubmission(twoUnits("old", second, first), JobOrigin.cli(0, 1)));

            JobView view = system.jobs().find(stored).orElseThrow();
            assertThat(view.inputs().controlKeys()).hasSize(2);
            assertThat(view.request().controls()).as("a job read carries no control bytes")
                    .allSatisfy(u -> assertThat(u.image()).isEmpty());
            assertThat(view.request().controls().get(1).weight()).isEqualTo(0.5);
            assertThat(images.get(view.inputs().controlKeys().get(0))).isEqualTo(first);
            assertThat(images.get(view.inputs().controlKeys().get(1))).isEqualTo(second);
            assertThat(db.queryLong("SELECT count(*) FROM jobs WHERE id = ? AND control_images IS NULL", stored)).isEqualTo(1);
            assertThat(system.jobs().firstControlImage(view)).hasValue(first);
            // the other job as queued before V42: its images in the row, none in the store
            List<String> oldKeys = system.jobs().find(old).orElseThrow().inputs().controlKeys();
            db.update("UPDATE jobs SET control_image_keys = NULL, control_images = ARRAY[?::bytea, ?::bytea] WHERE id = ?",
                    second, first, old);
            images.delete(oldKeys);
            JobView oldView = system.jobs().find(old).orElseThrow();
            assertThat(oldView.inputs().controlsInRow()).isTrue();
            assertThat(system.jobs().firstControlImage(oldView)).hasValue(second);

            SchedulerNode node = system.startNode();
            await().atMost(Duration.ofSeconds(20)).until(() -> List.of(stored, old).stream()
                    .allMatch(id -> system.jobs().find(id).orElseThrow().state() == JobState.SUCCEEDED));
            assertThat(generator.seen.get("stored").controls()).extracting(ControlNetUnit::image)
                    .containsExactly(first, second);
            assertThat(generator.seen.get("old").controls()).extracting(ControlNetUnit::image)
                    .containsExactly(second, first);
            assertThat(system.jobs().requestWithImages(view).controls()).extracting(ControlNetUnit::image)
                    .containsExactly(first, second);

            // retention: the image purge deletes the stored control images and forgets them
            db.update("UPDATE jobs SET finished_at = now() - interval '30 days'");
            node.triggerNow("retention");
            await().atMost(Duration.ofSeconds(20)).until(() -> db.queryLong("SELECT count(*) FROM jobs"
                    + " WHERE control_image_keys IS NULL AND control_images IS NULL AND control_units = '[]'") == 2);
            assertThat(images.get(view.inputs().controlKeys().get(0))).isNull();
            assertThat(images.get(view.inputs().controlKeys().get(1))).isNull();
            assertThat(system.jobs().find(stored).orElseThrow().request().controls()).isEmpty();
        }
    }
}
