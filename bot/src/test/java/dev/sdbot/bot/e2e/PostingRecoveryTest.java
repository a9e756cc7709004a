package dev.sdbot.bot.e2e;

import dev.sdbot.testkit.fake.FakeGuild;
import dev.sdbot.testkit.fake.FakeInteraction;
import dev.sdbot.testkit.fake.FakeMessage;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.Sampler;
import dev.sdbot.scheduler.JobOrigin;
import dev.sdbot.scheduler.JobState;
import dev.sdbot.scheduler.JobSubmission;
import dev.sdbot.scheduler.ShardRange;
import dev.sdbot.scheduler.worker.TestPatternGenerator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

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
        long postable = submitWithExpiredToken(guild, "finished while the bot was down");
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
    void aBotThatCrashedBeforeRecordingItsPostAndCameBackAfterDiscordForgotTheNonceToABusyChannelPostsNoSecondCopy()
            throws Exception {
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
        // Discord had forgotten the nonce, to a busy channel: 150 messages since, the post is not on the last page
        harness.stopBot();
        db.update("UPDATE jobs SET state = 'SUCCEEDED', posted_message_id = NULL, posted_at = NULL WHERE id = ?", jobId);
        for (int i = 0; i < 150; i++) {
            harness.discord.memberMessage(guild.alice, guild.general, "chatter " + i);
        }
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

    @Test
    void twoBotProcessesWithDisjointShardRangesEachPostTheirOwnGuildsResultsAndNeitherFailsTheOthers() throws Exception {
        harness.stopBot();
        FakeGuild other = harness.discord.otherGuild(); // shard 1 of 2; guild is on shard 0
        long mine = submitWithExpiredToken(guild, "shard zero");
        long theirs = submitWithExpiredToken(other, "shard one");
        await().atMost(Duration.ofSeconds(30)).until(() -> harness.state(mine) == JobState.SUCCEEDED
                && harness.state(theirs) == JobState.SUCCEEDED);
        finishedHoursAgo(mine, theirs); // past the "left the guild" grace: only ownership keeps theirs alive

        try (AutoCloseable shardZero = harness.startBotProcess(ShardRange.parse("0/2"))) {
            // one sweep decides both: it fails what it must before it posts, and it posted ours
            await().atMost(Duration.ofSeconds(30)).until(() -> harness.state(mine) == JobState.POSTED);
            assertThat(harness.state(theirs)).as("another process's guild is neither posted nor failed")
                    .isEqualTo(JobState.SUCCEEDED);
            try (AutoCloseable shardOne = harness.startBotProcess(ShardRange.parse("1/2"))) {
                await().atMost(Duration.ofSeconds(30)).until(() -> harness.state(theirs) == JobState.POSTED);
                FakeInteraction queue = harness.discord.slashCommand(other.bob, other.general, "queue", Map.of());
                assertThat(harness.awaitEphemeral(queue)).as("the shard-one process answers its guild").isNotBlank();
            }
        }
        assertThat(visibleResults(guild.general, mine)).hasSize(1);
        assertThat(visibleResults(other.general, theirs)).hasSize(1);
    }

    @Test
    void afterAnOutageAResultOfAGuildNotYetInTheCacheIsNotFailedAsLeft() throws Exception {
        harness.stopBot();
        FakeGuild other = harness.discord.otherGuild();
        long mine = submitWithExpiredToken(guild, "in the cache");
        long loading = submitWithExpiredToken(other, "guild still loading");
        await().atMost(Duration.ofSeconds(30)).until(() -> harness.state(mine) == JobState.SUCCEEDED
                && harness.state(loading) == JobState.SUCCEEDED);
        finishedHoursAgo(mine, loading);
        harness.discord.withholdFromGateway(other, true);
        try {
            harness.startBot();
            await().atMost(Duration.ofSeconds(30)).until(() -> harness.state(mine) == JobState.POSTED);
            assertThat(harness.state(loading)).as("Discord says the bot is still a member").isEqualTo(JobState.SUCCEEDED);
        } finally {
            harness.discord.withholdFromGateway(other, false);
        }
        harness.stopBot();
        harness.startBot(); // the guild is in the cache now
        await().atMost(Duration.ofSeconds(30)).until(() -> harness.state(loading) == JobState.POSTED);
    }

    private void finishedHoursAgo(long... jobIds) {
        for (long id : jobIds) {
            db.update("UPDATE jobs SET finished_at = now() - interval '2 hours' WHERE id = ?", id);
        }
    }

    private List<FakeMessage> visibleResults(FakeGuild.Channel channel, long jobId) {
        return harness.discord.visibleMessages(channel).stream()
                .filter(m -> m.buttonIds().contains("job:" + jobId + ":reroll")).toList();
    }

    private List<FakeMessage> resultsOf(long jobId) {
        return harness.discord.visibleMessages(guild.general).stream()
                .filter(m -> m.buttonIds().contains("job:" + jobId + ":reroll")).toList();
    }

    private long submitWithExpiredToken(FakeGuild guild, String prompt) throws Exception {
        GenerationRequest request = new GenerationRequest(prompt, "", TestPatternGenerator.MODEL, Sampler.EULER_A, 2,
                7.0, 64, 64, null, 1, null, 0.75, null, 1);
        JobOrigin origin = new JobOrigin(guild.id, guild.general.id(), guild.alice.userId(), 1L, "expired-token",
                harness.clock.instant().minusSeconds(60));
        return harness.jobs().submit(new JobSubmission(request, origin, List.of(), 0));
    }
}
