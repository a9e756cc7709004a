package dev.sdbot.bot.e2e;

import dev.sdbot.testkit.fake.FakeInteraction;
import dev.sdbot.testkit.fake.FakeMessage;
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

/** Results left behind by crashes and departures: every one ends, none is posted twice, none starves the others. */
@EndToEndTest.Harness(stepDelayMillis = 300)
class PostingRecoveryTest extends EndToEndTest {
    /** A guild the bot was in once. */
    private static final long LEFT_GUILD = 4242;

    @BeforeEach
    void botRunning() throws InterruptedException {
        harness.ensureBotRunning();
    }

    @Test
    void moreThanTwoHundredUnpostableResultsDoNotKeepANewerResultFromBeingPosted() throws Exception {
        harness.stopBot();
        // results nobody here can post, all older than the one that can: 150 CLI jobs (guild 0) and 100 of a guild
        // the bot has left, finished hours ago while the bot was down
        db.update("INSERT INTO jobs (state, prompt, model, sampler, steps, cfg_scale, width, height, image_count, attempt,"
                + " guild_id, channel_id, user_id, created_at, updated_at, finished_at)"
                + " SELECT 'SUCCEEDED', 'unpostable ' || g, ?, 'euler_a', 2, 7, 64, 64, 1, 1, CASE WHEN g <= 150 THEN 0 ELSE ? END,"
                + " 1, 1, now() - interval '3 hours', now() - interval '2 hours', now() - interval '2 hours'"
                + " FROM generate_series(1, 250) g", TestPatternGenerator.MODEL, LEFT_GUILD);
        long postable = submitWithExpiredToken("finished while the bot was down");
        await().atMost(Duration.ofSeconds(30)).until(() -> harness.state(postable) == JobState.SUCCEEDED);

        harness.startBot();

        await().atMost(Duration.ofSeconds(30)).until(() -> harness.state(postable) == JobState.POSTED);
        await().atMost(Duration.ofSeconds(10)).until(() ->
                db.queryLong("SELECT count(*) FROM jobs WHERE guild_id = ? AND state = 'FAILED'"
                        + " AND error = 'the bot is no longer in the guild'", LEFT_GUILD) == 100);
        assertThat(db.queryLong("SELECT count(*) FROM jobs WHERE guild_id = 0 AND prompt LIKE 'unpostable %'"
                + " AND state = 'SUCCEEDED'")).as("CLI jobs end at SUCCEEDED").isEqualTo(150);
    }

    @Test
    void aBotThatCrashedBeforeRecordingItsPostAndCameBackAfterDiscordForgotTheNoncePostsNoSecondCopy() throws Exception {
        FakeInteraction imagine = harness.imagine(guild.bob, guild.general, "prompt", "posted just before a crash", "steps", 4);
        await().atMost(Duration.ofSeconds(10)).until(() ->
                db.queryLong("SELECT count(*) FROM jobs WHERE prompt = 'posted just before a crash'") == 1);
        long jobId = db.queryLong("SELECT id FROM jobs WHERE prompt = 'posted just before a crash'");
        harness.stopBot();
        await().atMost(Duration.ofSeconds(30)).until(() -> harness.state(jobId) == JobState.SUCCEEDED);
        harness.clock.advance(Duration.ofMinutes(16));
        harness.discord.expireInteractionTokens();
        harness.startBot();
        await().atMost(Duration.ofSeconds(30)).until(() -> harness.state(jobId) == JobState.POSTED);
        FakeMessage posted = resultsOf(jobId).get(0);

        // the crash: Discord accepted the post, the bot died before POSTED was committed, and came back after
        // Discord had forgotten the nonce
        harness.stopBot();
        db.update("UPDATE jobs SET state = 'SUCCEEDED', posted_message_id = NULL, posted_at = NULL WHERE id = ?", jobId);
        harness.discord.nonceMemory(Duration.ZERO);
        try {
            harness.startBot();
            await().atMost(Duration.ofSeconds(30)).until(() -> harness.state(jobId) == JobState.POSTED);
        } finally {
            harness.discord.nonceMemory(Duration.ofMinutes(5));
        }
        assertThat(resultsOf(jobId)).extracting(FakeMessage::id).containsExactly(posted.id());
        assertThat(harness.jobs().find(jobId).orElseThrow().postedMessageId()).isEqualTo(posted.id());
        assertThat(harness.discord.ephemerals(imagine)).isEmpty();
    }

    private List<FakeMessage> resultsOf(long jobId) {
        return harness.discord.visibleMessages(guild.general).stream()
                .filter(m -> m.buttonIds().contains("job:" + jobId + ":reroll")).toList();
    }

    private long submitWithExpiredToken(String prompt) throws Exception {
        GenerationRequest request = new GenerationRequest(prompt, "", TestPatternGenerator.MODEL, Sampler.EULER_A, 2,
                7.0, 64, 64, null, 1, null, 0.75, null, 1);
        JobOrigin origin = new JobOrigin(guild.id, guild.general.id(), guild.alice.userId(), 1L, "expired-token",
                harness.clock.instant().minusSeconds(60));
        return harness.jobs().submit(new JobSubmission(request, origin, List.of(), 0));
    }
}
