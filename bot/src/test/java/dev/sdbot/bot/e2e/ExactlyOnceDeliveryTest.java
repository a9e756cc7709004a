package dev.sdbot.bot.e2e;

import dev.sdbot.bot.discord.PngImages;
import dev.sdbot.testkit.fake.FakeInteraction;
import dev.sdbot.testkit.fake.FakeMessage;
import dev.sdbot.testkit.fake.RecordedCall;
import dev.sdbot.scheduler.JobState;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Results appear exactly once across bot restarts, expired tokens, retries and upload limits. */
@EndToEndTest.Harness(stepDelayMillis = 300)
class ExactlyOnceDeliveryTest extends EndToEndTest {
    @BeforeEach
    void botRunning() throws InterruptedException {
        harness.ensureBotRunning();
    }

    /** Sends /imagine, waits for its job row, stops the bot and waits until the job succeeded unposted. */
    private long succeededWhileTheBotIsDown(String prompt) {
        FakeInteraction imagine = harness.imagine(guild.alice, guild.general, "prompt", prompt, "steps", 6);
        await().atMost(Duration.ofSeconds(10)).until(() ->
                db.queryLong("SELECT count(*) FROM jobs WHERE prompt = ?", prompt) == 1);
        long jobId = db.queryLong("SELECT id FROM jobs WHERE prompt = ?", prompt);
        harness.stopBot();
        await().atMost(Duration.ofSeconds(30)).until(() -> harness.state(jobId) == JobState.SUCCEEDED);
        return jobId;
    }

    private List<FakeMessage> visibleResultsOf(long jobId) {
        return harness.discord.visibleMessages(guild.general).stream()
                .filter(m -> m.buttonIds().contains("job:" + jobId + ":reroll")).toList();
    }

    @Test
    void botStoppedBetweenSuccessAndPostingPostsExactlyOnceAfterRestart() throws Exception {
        long jobId = succeededWhileTheBotIsDown("restart between result and post");
        Thread.sleep(1500);
        assertThat(harness.state(jobId)).as("nobody posts while the bot is down").isEqualTo(JobState.SUCCEEDED);

        harness.startBot();

        await().atMost(Duration.ofSeconds(30)).until(() -> harness.state(jobId) == JobState.POSTED);
        List<FakeMessage> results = visibleResultsOf(jobId);
        assertThat(results).hasSize(1);
        assertThat(harness.jobs().find(jobId).orElseThrow().postedMessageId()).isEqualTo(results.get(0).id());
    }

    @Test
    void progressOfAJobQueuedBeforeARestartIsShownAfterIt() throws Exception {
        FakeInteraction imagine = harness.imagine(guild.bob, guild.general, "prompt", "long job over a restart", "steps", 25);
        await().atMost(Duration.ofSeconds(10)).until(() ->
                db.queryLong("SELECT count(*) FROM jobs WHERE prompt = 'long job over a restart'") == 1);
        harness.stopBot();
        int editsBefore = harness.discord.calls("PATCH", "webhooks/\\d+/" + imagine.token() + "/messages/@original").size();
        harness.startBot();
        await().atMost(Duration.ofSeconds(20)).until(() -> harness.discord
                .calls("PATCH", "webhooks/\\d+/" + imagine.token() + "/messages/@original").stream().skip(editsBefore)
                .anyMatch(c -> c.payload().path("content").asText().startsWith("🎨 Generating —")));
        harness.awaitResult(imagine);
    }

    @Test
    void afterSixteenMinutesTheResultGoesToTheChannelWithANonceAndARepeatShowsNoSecondMessage() throws Exception {
        long jobId = succeededWhileTheBotIsDown("posted after the token expired");
        harness.clock.advance(Duration.ofMinutes(16));
        harness.discord.expireInteractionTokens();
        harness.discord.rateLimitNext("POST", "channels/\\d+/messages", 0.5, 1);
        int webhookCallsBefore = harness.discord.calls("PATCH", "webhooks/.*").size();

        harness.startBot();

        await().atMost(Duration.ofSeconds(30)).until(() -> harness.state(jobId) == JobState.POSTED);
        List<RecordedCall> posts = harness.discord.calls("POST", "channels/" + guild.general.id() + "/messages");
        assertThat(posts).extracting(RecordedCall::status).containsExactly(429, 200);
        assertThat(posts.get(1).payload().path("nonce").asText()).isNotBlank();
        assertThat(posts.get(1).payload().path("enforce_nonce").asBoolean()).isTrue();
        assertThat(harness.discord.calls("PATCH", "webhooks/.*")).as("no use of the expired webhook").hasSize(webhookCallsBefore);
        FakeMessage posted = visibleResultsOf(jobId).get(0);

        // a crash after the upload but before the commit: the job is still SUCCEEDED and is posted again
        db.update("UPDATE jobs SET state = 'SUCCEEDED', posted_message_id = NULL, posted_at = NULL WHERE id = ?", jobId);
        await().atMost(Duration.ofSeconds(30)).until(() -> harness.state(jobId) == JobState.POSTED);
        assertThat(harness.discord.calls("POST", "channels/" + guild.general.id() + "/messages"))
                .as("the earlier post is found in the channel's history, nothing is posted again").hasSize(2);
        assertThat(visibleResultsOf(jobId)).extracting(FakeMessage::id).containsExactly(posted.id());
        assertThat(harness.jobs().find(jobId).orElseThrow().postedMessageId()).isEqualTo(posted.id());
    }

    @Test
    void resultsOverTheInteractionsUploadLimitAreDownscaledToFit() throws Exception {
        long limit = 6_000;
        harness.discord.attachmentSizeLimit(limit);
        try {
            FakeInteraction imagine = harness.imagine(guild.bob, guild.general, "prompt", "a detailed map", "size", "512x512",
                    "steps", 1);
            FakeMessage result = harness.awaitResult(imagine);
            long jobId = harness.jobIdOf(result);
            byte[] stored = harness.jobs().results(jobId).get(0).png();
            byte[] posted = result.files().get(0).bytes();
            assertThat(stored.length).as("the original is over the limit").isGreaterThan((int) limit);
            assertThat(posted.length).isLessThanOrEqualTo((int) limit);
            assertThat(ImageIO.read(new ByteArrayInputStream(posted)).getWidth()).isLessThan(512);
            assertThat(PngImages.text(posted, "parameters")).isEqualTo(PngImages.text(stored, "parameters"));
        } finally {
            harness.discord.attachmentSizeLimit(10L << 20);
        }
    }
}
