package dev.sdbot.bot.e2e;

import dev.sdbot.testkit.fake.FakeInteraction;
import dev.sdbot.testkit.fake.FakeMessage;
import dev.sdbot.testkit.fake.RecordedCall;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.Sampler;
import dev.sdbot.scheduler.JobOrigin;
import dev.sdbot.scheduler.JobState;
import dev.sdbot.scheduler.JobSubmission;
import dev.sdbot.scheduler.worker.TestPatternGenerator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Results that cannot be posted as usual once the interaction token expired: NSFW-blocked ones, unpostable channels. */
@EndToEndTest.Harness(stepDelayMillis = 300)
class UndeliveredResultsTest extends EndToEndTest {

    @BeforeEach
    void botRunning() throws InterruptedException {
        harness.ensureBotRunning();
    }

    @Test
    void aFlaggedResultAfterTheTokenExpiredIsAnnouncedInTheChannelWithoutTheImage() throws Exception {
        FakeInteraction imagine = harness.imagine(guild.alice, guild.general, "prompt", "nsfw found after the token expired",
                "steps", 6);
        await().atMost(Duration.ofSeconds(10)).until(() ->
                db.queryLong("SELECT count(*) FROM jobs WHERE prompt = 'nsfw found after the token expired'") == 1);
        long jobId = db.queryLong("SELECT id FROM jobs WHERE prompt = 'nsfw found after the token expired'");
        harness.stopBot();
        await().atMost(Duration.ofSeconds(30)).until(() -> harness.state(jobId) == JobState.SUCCEEDED);
        harness.clock.advance(Duration.ofMinutes(16));
        harness.discord.expireInteractionTokens();

        harness.startBot();

        await().atMost(Duration.ofSeconds(30)).until(() -> harness.state(jobId) == JobState.BLOCKED);
        await().atMost(Duration.ofSeconds(10)).until(() -> harness.discord.visibleMessages(guild.general).stream()
                .anyMatch(m -> m.content().contains("job " + jobId + " ")));
        List<FakeMessage> notices = harness.discord.visibleMessages(guild.general).stream()
                .filter(m -> m.content().contains("job " + jobId + " ")).toList();
        assertThat(notices).hasSize(1);
        FakeMessage notice = notices.get(0);
        assertThat(notice.content()).startsWith("<@" + guild.alice.userId() + ">").contains("blocked by the NSFW policy");
        assertThat(notice.files()).as("never the image").isEmpty();
        assertThat(notice.embeds()).isEmpty();
        assertThat(notice.buttonIds()).isEmpty();
        RecordedCall post = harness.discord.calls("POST", "channels/" + guild.general.id() + "/messages").stream()
                .filter(c -> c.payload().path("content").asText().contains("job " + jobId + " ")).findFirst().orElseThrow();
        assertThat(post.payload().path("allowed_mentions").path("users").toString())
                .as("mentions the requester alone").isEqualTo("[\"" + guild.alice.userId() + "\"]");
        assertThat(harness.discord.ephemerals(imagine)).as("the expired token is not used").isEmpty();
    }

    @Test
    void aChannelTheBotMayNotPostInEndsTheJobFailedAtOnce() throws Exception {
        long jobId = submitWithExpiredToken("for a read-only channel", guild.readOnly.id());

        await().atMost(Duration.ofSeconds(30)).until(() -> harness.state(jobId) == JobState.FAILED);
        assertThat(harness.jobs().find(jobId).orElseThrow().error()).contains("Missing Permissions").contains("MESSAGE_SEND");
        Thread.sleep(2500); // more than two sweeps
        assertThat(harness.state(jobId)).isEqualTo(JobState.FAILED);
        assertThat(harness.discord.calls("POST", "channels/" + guild.readOnly.id() + "/messages"))
                .as("JDA knows it may not post there").isEmpty();
    }

    @Test
    void aPostDiscordRejectsWithMissingPermissionsIsNotRetried() throws Exception {
        String posts = "channels/" + guild.general.id() + "/messages";
        int before = harness.discord.calls("POST", posts).size();
        harness.discord.failNext("POST", posts, 403, 50013, 1);
        long jobId = submitWithExpiredToken("permissions revoked after the check", guild.general.id());

        await().atMost(Duration.ofSeconds(30)).until(() -> harness.state(jobId) == JobState.FAILED);
        assertThat(harness.jobs().find(jobId).orElseThrow().error()).contains("Missing Permissions").contains("50013");
        Thread.sleep(2500); // more than two sweeps
        assertThat(harness.state(jobId)).isEqualTo(JobState.FAILED);
        assertThat(harness.discord.calls("POST", posts).stream().skip(before)).extracting(RecordedCall::status)
                .containsExactly(403);
    }

    /** A job whose interaction token is already expired, as if queued 15 minutes ago. */
    private long submitWithExpiredToken(String prompt, long channelId) throws Exception {
        GenerationRequest request = new GenerationRequest(prompt, "", TestPatternGenerator.MODEL, Sampler.EULER_A, 2,
                7.0, 64, 64, null, 1, null, 0.75, null, 1);
        JobOrigin origin = new JobOrigin(guild.id, channelId, guild.alice.userId(), 1L, "expired-token",
                harness.clock.instant().minusSeconds(60));
        return harness.jobs().submit(new JobSubmission(request, origin, List.of(), 0));
    }
}
