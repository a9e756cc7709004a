package dev.sdbot.bot.e2e;

import dev.sdbot.testkit.fake.FakeDiscord;
import dev.sdbot.testkit.fake.FakeInteraction;
import dev.sdbot.testkit.fake.RecordedCall;
import dev.sdbot.db.entity.QuotaScope;
import dev.sdbot.db.store.QuotaRuleStore;
import dev.sdbot.scheduler.JobState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** /cancel, /queue, /quota, /help, model autocomplete, and a gateway resume in the middle of a job. */
@EndToEndTest.Harness(stepDelayMillis = 500, workerSlots = 1)
class CommandsEndToEndTest extends EndToEndTest {
    @Test
    void commandsAreRegisteredWithTheirOptions() {
        List<String> names = harness.discord.registeredCommands("global").findValues("name").stream()
                .map(n -> n.asText()).toList();
        assertThat(names).contains("imagine", "cancel", "queue", "quota", "help", "prompt", "negative", "size", "steps",
                "cfg", "sampler", "seed", "model", "count", "image", "strength", "mask");
    }

    @Test
    void queueShowsPositionsAndCancelStopsTheLatestJob() {
        FakeInteraction first = harness.imagine(guild.bob, guild.general, "prompt", "slow one", "steps", 20);
        FakeInteraction second = harness.imagine(guild.bob, guild.general, "prompt", "slow two", "steps", 20);
        await().atMost(Duration.ofSeconds(10)).until(() -> db.queryLong("SELECT count(*) FROM jobs WHERE prompt LIKE 'slow %'") == 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> db.queryLong(
                "SELECT count(*) FROM jobs WHERE prompt LIKE 'slow %' AND state = 'QUEUED'") == 1);
        long queuedJob = db.queryLong("SELECT id FROM jobs WHERE prompt LIKE 'slow %' AND state = 'QUEUED'");
        FakeInteraction queuedInteraction = db.queryLong("SELECT id FROM jobs WHERE prompt = 'slow one'") == queuedJob ? first : second;
        await().atMost(Duration.ofSeconds(10)).until(() -> harness.discord.original(queuedInteraction)
                .map(m -> m.content().startsWith("⏳ Queued — position 1")).orElse(false));

        String queue = harness.awaitEphemeral(harness.discord.slashCommand(guild.bob, guild.general, "queue", FakeDiscord.options()));
        assertThat(queue).contains("Queue depth:** 1").contains("job " + queuedJob + " — queued, position 1");

        FakeInteraction notMine = harness.discord.slashCommand(guild.alice, guild.general, "cancel", FakeDiscord.options("job", queuedJob));
        assertThat(harness.awaitEphemeral(notMine)).contains("not yours");

        FakeInteraction cancel = harness.discord.slashCommand(guild.bob, guild.general, "cancel", FakeDiscord.options());
        assertThat(harness.awaitEphemeral(cancel)).contains("cancelled");
        await().atMost(Duration.ofSeconds(10)).until(() -> db.queryLong(
                "SELECT count(*) FROM jobs WHERE prompt LIKE 'slow %' AND state = 'CANCELLED'") == 1);
        FakeInteraction cancelOther = harness.discord.slashCommand(guild.bob, guild.general, "cancel", FakeDiscord.options());
        harness.awaitEphemeral(cancelOther);
        await().atMost(Duration.ofSeconds(10)).until(() -> harness.discord.original(first)
                .map(m -> m.content().startsWith("🚫 Cancelled")).orElse(false)
                || harness.discord.original(second).map(m -> m.content().startsWith("🚫 Cancelled")).orElse(false));
    }

    @Test
    void aJobItsRequesterCancelsWhileRunningIsBilledForTheGpuTimeItUsed() {
        harness.imagine(guild.alice, guild.general, "prompt", "billed cancel", "steps", 30);
        await().atMost(Duration.ofSeconds(30)).until(() -> db.queryLong(
                "SELECT count(*) FROM jobs WHERE prompt = 'billed cancel' AND state = 'RUNNING' AND progress_step >= 2") == 1);
        long jobId = db.queryLong("SELECT id FROM jobs WHERE prompt = 'billed cancel'");
        long gpuBefore = db.queryLong("SELECT COALESCE(sum(gpu_ms), 0) FROM usage_counters WHERE guild_id = ? AND user_id = ?",
                guild.id, guild.alice.userId());

        FakeInteraction cancel = harness.discord.slashCommand(guild.alice, guild.general, "cancel", FakeDiscord.options("job", jobId));
        assertThat(harness.awaitEphemeral(cancel)).contains("cancelled");
        await().atMost(Duration.ofSeconds(30)).until(() -> db.queryLong(
                "SELECT count(*) FROM usage_ledger WHERE job_id = ? AND outcome = 'CANCELLED'", jobId) == 1);

        // failed before: the ledger kept the attempt's GPU time unbilled and the member's counter did not move
        long used = db.queryLong("SELECT gpu_ms FROM usage_ledger WHERE job_id = ? AND outcome = 'CANCELLED' AND billed", jobId);
        assertThat(used).as("at least the two steps it ran").isGreaterThanOrEqualTo(2 * 500);
        assertThat(db.queryLong("SELECT COALESCE(sum(gpu_ms), 0) FROM usage_counters WHERE guild_id = ? AND user_id = ?",
                guild.id, guild.alice.userId())).isEqualTo(gpuBefore + used);
    }

    @Test
    void manageMessagesWhereCancelIsTypedDoesNotReachJobsOfOtherChannels() {
        harness.imagine(guild.bob, guild.general, "prompt", "carol general", "steps", 20);
        harness.imagine(guild.bob, guild.ageRestricted, "prompt", "carol after dark", "steps", 20);
        await().atMost(Duration.ofSeconds(10)).until(() -> db.queryLong("SELECT count(*) FROM jobs WHERE prompt LIKE 'carol %'") == 2);
        long inGeneral = db.queryLong("SELECT id FROM jobs WHERE prompt = 'carol general'");
        long inAfterDark = db.queryLong("SELECT id FROM jobs WHERE prompt = 'carol after dark'");

        // failed before: Manage Messages in #after-dark, where carol typed /cancel, let her cancel any job of the guild
        FakeInteraction elsewhere = harness.discord.slashCommand(guild.carol, guild.ageRestricted, "cancel",
                FakeDiscord.options("job", inGeneral));
        assertThat(harness.awaitEphemeral(elsewhere)).contains("not yours");
        assertThat(harness.state(inGeneral)).isNotEqualTo(JobState.CANCELLED);

        FakeInteraction ownChannel = harness.discord.slashCommand(guild.carol, guild.general, "cancel",
                FakeDiscord.options("job", inAfterDark));
        assertThat(harness.awaitEphemeral(ownChannel)).as("she manages messages in the job's channel").contains("cancelled");
        FakeInteraction moderator = harness.discord.slashCommand(guild.moderator, guild.ageRestricted, "cancel",
                FakeDiscord.options("job", inGeneral));
        assertThat(harness.awaitEphemeral(moderator)).as("a guild moderator cancels anywhere").contains("cancelled");
        assertThat(harness.state(inGeneral)).isEqualTo(JobState.CANCELLED);
    }

    @Test
    void quotaShowsUseAndLimits() {
        new QuotaRuleStore(db.sessionFactory()).put(guild.id, QuotaScope.GUILD_DEFAULT, 0, 50, 600, Instant.now());
        String quota = harness.awaitEphemeral(harness.discord.slashCommand(guild.alice, guild.general, "quota", FakeDiscord.options()));
        assertThat(quota).contains("of 50").contains("of 600").containsPattern("Resets <t:\\d+:R>");
    }

    @Test
    void helpIsEphemeral() {
        FakeInteraction help = harness.discord.slashCommand(guild.alice, guild.general, "help", FakeDiscord.options());
        assertThat(harness.awaitEphemeral(help)).contains("/imagine");
    }

    @Test
    void modelAutocompleteListsInstalledModels() {
        FakeInteraction typing = harness.discord.autocomplete(guild.alice, guild.general, "imagine",
                FakeDiscord.options("prompt", "x", "model", "test"), "model");
        await().atMost(Duration.ofSeconds(5)).until(typing::acknowledged);
        RecordedCall callback = harness.discord.calls("POST", "interactions/" + typing.id() + "/.*").get(0);
        assertThat(callback.payload().path("type").asInt()).isEqualTo(8);
        assertThat(callback.payload().path("data").path("choices").findValuesAsText("value")).containsExactly("test-pattern");
    }

    @Test
    void aGatewayResumeInTheMiddleOfAJobLosesNothing() {
        FakeInteraction imagine = harness.imagine(guild.alice, guild.general, "prompt", "through a reconnect", "steps", 4);
        await().atMost(Duration.ofSeconds(10)).until(imagine::acknowledged);
        harness.discord.dropGatewayConnections();
        FakeInteraction duringReconnect = harness.imagine(guild.alice, guild.general, "prompt", "sent while reconnecting", "steps", 1);
        harness.awaitResult(imagine);
        harness.awaitResult(duringReconnect);
        assertThat(harness.discord.gatewayResumes()).isGreaterThanOrEqualTo(1);
        long jobId = harness.jobIdOf(harness.discord.original(imagine).orElseThrow());
        await().atMost(Duration.ofSeconds(10)).until(() -> harness.state(jobId) == JobState.POSTED);
    }
}
