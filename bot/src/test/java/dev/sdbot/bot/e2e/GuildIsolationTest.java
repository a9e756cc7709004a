package dev.sdbot.bot.e2e;

import dev.sdbot.testkit.fake.FakeDiscord;
import dev.sdbot.testkit.fake.FakeGuild;
import dev.sdbot.testkit.fake.FakeInteraction;
import dev.sdbot.testkit.fake.FakeMessage;
import dev.sdbot.db.entity.FilterRule;
import dev.sdbot.db.store.FilterRuleStore;
import dev.sdbot.db.store.MemberBlockStore;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.scheduler.JobOrigin;
import dev.sdbot.scheduler.JobState;
import dev.sdbot.scheduler.JobSubmission;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two guilds in the fake Discord; alice is a member of both, each has its own moderator. Nothing of guild A —
 * jobs (by /cancel, /queue and buttons with forged ids), filters, blocks, the moderation log — can be seen,
 * cancelled or changed from guild B, and a job of A looks from B exactly like a job that does not exist.
 */
class GuildIsolationTest extends EndToEndTest {
    private static final long NO_SUCH_JOB_ID = 987_654_321L;
    private FakeGuild a;
    private FakeGuild b;

    @BeforeEach
    void guilds() {
        a = harness.discord.guild();
        b = harness.discord.otherGuild();
    }

    private String ask(FakeGuild.Member member, FakeGuild.Channel channel, String command, Object... options) {
        return harness.awaitEphemeral(harness.discord.slashCommand(member, channel, command, FakeDiscord.options(options)));
    }

    /** A job of alice's in guild A that stays queued: no worker has its model. */
    private long stuckJobOfAliceIn(FakeGuild guild, String prompt) throws Exception {
        return harness.jobs().submit(new JobSubmission(GenerationRequest.txt2img(prompt, "absent-model", 64, 64, 1L),
                new JobOrigin(guild.id, guild.general.id(), guild.alice.userId(), 0, null, null)));
    }

    @Test
    void jobsOfOneGuildCannotBeListedOrCancelledFromTheOther() throws Exception {
        long jobOfA = stuckJobOfAliceIn(a, "guild A's secret plan");

        String queueInB = ask(b.alice, b.general, "queue");
        assertThat(queueInB).doesNotContain("job " + jobOfA + " ").doesNotContain("secret");
        assertThat(ask(b.alice, b.general, "cancel")).isEqualTo("You have no queued or running job in this server.");

        String otherGuildsJob = ask(b.alice, b.general, "cancel", "job", jobOfA);
        String nonexistent = ask(b.alice, b.general, "cancel", "job", NO_SUCH_JOB_ID);
        assertThat(otherGuildsJob).isEqualTo("There is no job " + jobOfA + " in this server.");
        assertThat(nonexistent).isEqualTo("There is no job " + NO_SUCH_JOB_ID + " in this server.");
        assertThat(otherGuildsJob.replace(Long.toString(jobOfA), "N")).isEqualTo(nonexistent.replace(Long.toString(NO_SUCH_JOB_ID), "N"));
        assertThat(ask(b.moderator, b.general, "cancel", "job", jobOfA))
                .as("a moderator of B has no power over A's jobs").isEqualTo(otherGuildsJob);
        assertThat(harness.state(jobOfA)).isEqualTo(JobState.QUEUED);

        // in its own guild the same job is visible and cancellable
        assertThat(ask(a.alice, a.general, "queue")).contains("job " + jobOfA + " — queued");
        assertThat(ask(a.moderator, a.general, "cancel", "job", jobOfA)).isEqualTo("🚫 Job " + jobOfA + " cancelled.");
        assertThat(harness.state(jobOfA)).isEqualTo(JobState.CANCELLED);
    }

    @Test
    void forgedButtonIdsCannotReachAnotherGuildsJob() {
        FakeMessage resultInA = harness.awaitResult(harness.imagine(a.alice, a.general, "prompt", "a lighthouse in A"));
        long jobOfA = harness.jobIdOf(resultInA);
        FakeMessage resultInB = harness.awaitResult(harness.imagine(b.alice, b.general, "prompt", "a lighthouse in B"));
        long jobsBefore = harness.jobCount();

        for (String action : List.of("reroll", "variations", "upscale", "delete")) {
            for (long forged : List.of(jobOfA, NO_SUCH_JOB_ID)) {
                for (FakeGuild.Member presser : List.of(b.alice, b.moderator)) {
                    if (action.equals("delete") && presser == b.moderator) {
                        continue; // a moderator may clear a message of their own guild whose job is gone
                    }
                    FakeInteraction press = harness.discord.clickButton(presser, resultInB, "job:" + forged + ":" + action);
                    assertThat(harness.awaitEphemeral(press)).as(action + " " + forged + " by " + presser.username())
                            .isEqualTo("That job no longer exists.");
                }
            }
        }
        assertThat(harness.jobCount()).isEqualTo(jobsBefore);
        assertThat(harness.discord.message(resultInA.id()).deleted()).isFalse();
        assertThat(harness.discord.message(resultInB.id()).deleted()).isFalse();
        assertThat(harness.state(jobOfA)).isEqualTo(JobState.POSTED);
    }

    @Test
    void filtersBlocksAndTheModerationLogStayInTheirGuild() {
        FilterRuleStore filters = new FilterRuleStore(db.sessionFactory());
        FilterRule rule = filters.add(new FilterRule(a.id, "PHRASE", "zanzibarword", "BLOCK", a.moderator.userId(), Instant.now()));
        MemberBlockStore blocks = new MemberBlockStore(db.dataSource());
        try {
            assertThat(filters.ofGuild(b.id)).isEmpty();
            assertThat(filters.remove(b.id, rule.getId())).as("B cannot remove A's rule by its id").isFalse();
            FakeInteraction blockedInA = harness.imagine(a.alice, a.general, "prompt", "a zanzibarword");
            assertThat(harness.awaitEphemeral(blockedInA)).contains("blocked by this server's filter");
            harness.awaitResult(harness.imagine(b.alice, b.general, "prompt", "a zanzibarword in B"));

            assertThat(ask(a.moderator, a.general, "mod block", "user", a.alice, "hours", 2, "reason", "spam in A"))
                    .contains("may not generate images in this server");
            assertThat(blocks.activeBlock(b.id, b.alice.userId())).isEmpty();
            FakeInteraction refusedInA = harness.imagine(a.alice, a.general, "prompt", "a cat");
            assertThat(harness.awaitEphemeral(refusedInA)).contains("spam in A");
            harness.awaitResult(harness.imagine(b.alice, b.general, "prompt", "a cat in B"));

            assertThat(ask(b.moderator, b.general, "mod log recent")).isEqualTo("No moderation events in this server yet.");
            assertThat(ask(b.moderator, b.general, "mod unblock", "user", b.alice))
                    .contains("is not blocked in this server; nothing changed");
            assertThat(blocks.activeBlock(a.id, a.alice.userId())).isPresent();
            assertThat(ask(a.moderator, a.general, "mod log recent")).contains("MEMBER_BLOCKED").contains("spam in A")
                    .contains("<@" + a.alice.userId() + "> by <@" + a.moderator.userId() + ">");
            assertThat(db.queryLong("SELECT count(*) FROM moderation_events WHERE guild_id = ?", b.id)).isZero();
        } finally {
            filters.remove(a.id, rule.getId());
            blocks.unblock(a.id, a.alice.userId());
        }
    }
}
