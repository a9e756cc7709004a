package dev.sdbot.bot.e2e;

import dev.sdbot.bot.config.ConfigLoader;
import dev.sdbot.bot.config.SdbotConfig;
import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.scheduler.JobState;
import dev.sdbot.scheduler.images.ImageKeys;
import dev.sdbot.scheduler.images.ImageStore;
import dev.sdbot.scheduler.worker.TestPatternGenerator;
import dev.sdbot.testkit.fake.FakeGuild;
import dev.sdbot.testkit.fake.FakeInteraction;
import dev.sdbot.testkit.fake.FakeMessage;
import dev.sdbot.testkit.s3.S3TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The S3 image store, configured through the environment variables an operator sets (SDBOT_IMAGE_STORE=s3,
 * SDBOT_S3_ENDPOINT, SDBOT_S3_BUCKET, SDBOT_S3_PATH_STYLE) against a real S3 server (s3proxy): /imagine's result is
 * written to the bucket by the worker, posted from there through the fake Discord, and the job tables hold only its key.
 */
@ExtendWith(EmbeddedPostgresExtension.class)
class S3ImageStoreEndToEndTest {

    @Test
    void aResultIsStoredInTheBucketAndPostedFromIt(TestDatabase db, @TempDir Path dir) throws Exception {
        try (S3TestServer server = S3TestServer.start(dir.resolve("s3"))) {
            SdbotConfig config = ConfigLoader.load(Map.of("SDBOT_IMAGE_STORE", "s3", "SDBOT_S3_ENDPOINT", server.endpoint().toString(),
                    "SDBOT_S3_BUCKET", "sdbot-results", "SDBOT_S3_PATH_STYLE", "true"), dir.resolve("none.yaml"));
            assertThat(config.toString()).doesNotContain(S3TestServer.SECRET_KEY);
            try (ImageStore images = config.images().open(dir, StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY)));
                 BotHarness harness = new BotHarness(db, new ReviewingGenerator(new TestPatternGenerator(
                         Set.of(TestPatternGenerator.MODEL), Duration.ZERO)), 1, images)) {
                assertThat(images.describe()).contains("bucket sdbot-results at " + server.endpoint());
                FakeGuild guild = harness.discord.guild();
                FakeInteraction imagine = harness.imagine(guild.alice, guild.general, "prompt", "a lighthouse", "steps", 2);
                FakeMessage result = harness.awaitResult(imagine);
                long jobId = harness.jobIdOf(result);
                await().atMost(Duration.ofSeconds(10)).until(() -> harness.state(jobId) == JobState.POSTED);

                byte[] stored = images.get(ImageKeys.result(jobId, 1, 0));
                assertThat(stored).as("the worker wrote the PNG to the bucket").isNotNull();
                assertThat(result.files()).singleElement().satisfies(f -> assertThat(f.bytes()).isEqualTo(stored));
                assertThat(db.queryLong("SELECT count(*) FROM job_results WHERE job_id = ? AND image_key IS NOT NULL AND png IS NULL",
                        jobId)).as("the row holds the key, not the bytes").isEqualTo(1);
            }
        }
    }
}
