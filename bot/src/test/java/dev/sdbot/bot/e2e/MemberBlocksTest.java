package dev.sdbot.bot.e2e;

import dev.sdbot.testkit.fake.FakeDiscord;
import dev.sdbot.testkit.fake.FakeGuild;
import dev.sdbot.testkit.fake.FakeInteraction;
import dev.sdbot.testkit.fake.FakeMessage;
import dev.sdbot.db.store.MemberBlockStore;
import dev.sdbot.scheduler.worker.TestPatternGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code /mod block} and {@code /mod unblock} through the fake Discord: who may, what it refuses, when it ends. */
class MemberBlocksTest extends EndToEndTest {
    private static final String BLOCKED = "A moderator blocked you from generating images in this server";

    @AfterEach
    void unblockEveryone() {
        db.update("DELETE FROM member_blocks");
    }

    private FakeInteraction mod(FakeGuild.Member member, String subcommand, Object... options) {
        return harness.discord.slashCommand(member, guild.general, "mod " + subcommand, FakeDiscord.options(options));
    }

    private long blockRows() {
        return db.queryLong("SELECT count(*) FROM member_blocks");
    }

    private long events(String kind) {
        return db.queryLong("SELECT count(*) FROM moderation_events WHERE kind = ?", kind);
    }

    @Test
    void aBlockedMembersImagineAndButtonsAreRefusedWithReasonAndExpiryUntilUnblocked() {
        FakeMessage earlier = harness.awaitResult(harness.imagine(guild.bob, guild.general, "prompt", "before the block"));
        long earlierJob = harness.jobIdOf(earlier);
        long blockedBefore = events("MEMBER_BLOCKED");

        String answer = harness.awaitEphemeral(mod(guild.moderator, "block", "user", guild.bob, "hours", 3, "reason", "spamming"));
        assertThat(answer).contains("<@" + guild.bob.userId() + "> may not generate images in this server until <t:")
                .contains("Reason: spamming");
        assertThat(events("MEMBER_BLOCKED")).isEqualTo(blockedBefore + 1);
        assertThat(db.queryLong("SELECT moderator_id FROM moderation_events WHERE kind = 'MEMBER_BLOCKED' ORDER BY id DESC LIMIT 1"))
                .isEqualTo(guild.moderator.userId());

        long jobsBefore = harness.jobCount();
        int visibleBefore = harness.discord.visibleMessages(guild.general).size();
        FakeInteraction imagine = harness.imagine(guild.bob, guild.general, "prompt", "after the block");
        assertThat(harness.awaitEphemeral(imagine)).contains(BLOCKED).containsPattern("until <t:\\d+:f> \\(<t:\\d+:R>\\)")
                .contains("Reason: spamming");
        assertThat(imagine.ackType()).as("a true ephemeral reply, no public placeholder").isEqualTo(4);
        for (String action : new String[] {"reroll", "variations", "upscale"}) {
            FakeInteraction press = harness.discord.clickButton(guild.bob, earlier, "job:" + earlierJob + ":" + action);
            assertThat(harness.awaitEphemeral(press)).as(action).contains(BLOCKED).contains("spamming");
            assertThat(press.ackType()).isEqualTo(4);
        }
        assertThat(harness.jobCount()).isEqualTo(jobsBefore);
        assertThat(harness.discord.visibleMessages(guild.general)).hasSize(visibleBefore);

        assertThat(harness.awaitEphemeral(mod(guild.moderator, "unblock", "user", guild.bob))).contains("may generate images again");
        assertThat(events("MEMBER_UNBLOCKED")).isPositive();
        harness.awaitResult(harness.imagine(guild.bob, guild.general, "prompt", "after the unblock"));
        harness.awaitResult(harness.discord.clickButton(guild.bob, earlier, "job:" + earlierJob + ":reroll"));
    }

    @Test
    void aBlockWithoutHoursLastsUntilUnblockedAndAnExpiredBlockIsIgnored() {
        harness.awaitEphemeral(mod(guild.moderator, "block", "user", guild.alice));
        assertThat(harness.awaitEphemeral(harness.imagine(guild.alice, guild.general, "prompt", "x")))
                .contains("until a moderator unblocks you").contains("no reason given");

        // the bot's host clock runs 2 hours ahead of the database's: the block's end, its Discord countdown and its
        // check follow the database (before, the countdown said 3 hours and the check ended the block at once)
        harness.clock.advance(Duration.ofHours(2));
        // the worker's next heartbeat (clock time) keeps its model available
        await().atMost(Duration.ofSeconds(10)).until(() -> harness.jobs().availableModels().contains(TestPatternGenerator.MODEL));
        String blocked = harness.awaitEphemeral(mod(guild.moderator, "block", "user", guild.alice, "hours", 1, "reason", "cool down"));
        Matcher countdown = Pattern.compile("<t:(\\d+):R>").matcher(blocked);
        assertThat(countdown.find()).as(blocked).isTrue();
        long databaseNow = db.queryLong("SELECT extract(epoch FROM now())::bigint");
        assertThat(Long.parseLong(countdown.group(1))).as("an hour from the database's now")
                .isBetween(databaseNow + 3600 - 120, databaseNow + 3600 + 5);
        assertThat(harness.awaitEphemeral(harness.imagine(guild.alice, guild.general, "prompt", "x"))).contains("cool down");
        db.update("UPDATE member_blocks SET expires_at = now() - interval '1 second'"); // an hour later, by the database
        assertThat(new MemberBlockStore(db.dataSource()).activeBlock(guild.id, guild.alice.userId())).isEmpty();
        harness.awaitResult(harness.imagine(guild.alice, guild.general, "prompt", "after the block expired"));
    }

    @Test
    void onlyModeratorsBlockAndNobodyBlocksThemselvesABotOrAnAdmin() {
        long eventsBefore = db.queryLong("SELECT count(*) FROM moderation_events");
        FakeInteraction byAlice = mod(guild.alice, "block", "user", guild.bob, "reason", "I don't like bob");
        assertThat(harness.awaitEphemeral(byAlice)).contains("needs Manage Messages");
        assertThat(harness.awaitEphemeral(mod(guild.alice, "unblock", "user", guild.bob))).contains("needs Manage Messages");
        assertThat(harness.awaitEphemeral(mod(guild.alice, "log recent"))).contains("needs Manage Messages");

        assertThat(harness.awaitEphemeral(mod(guild.moderator, "block", "user", guild.moderator))).contains("can't block yourself");
        assertThat(harness.awaitEphemeral(mod(guild.moderator, "block", "user", guild.bot))).contains("is a bot");
        assertThat(harness.awaitEphemeral(mod(guild.moderator, "block", "user", guild.admin))).contains("is an admin");
        assertThat(harness.awaitEphemeral(mod(guild.admin, "block", "user", guild.admin))).contains("can't block yourself");
        assertThat(harness.awaitEphemeral(mod(guild.moderator, "block", "user", guild.bob, "hours", 0)))
                .contains("`hours` must be between 1 and 8760");
        assertThat(harness.awaitEphemeral(mod(guild.moderator, "block", "user", guild.bob, "hours", 8761)))
                .contains("`hours` must be between 1 and 8760");
        assertThat(blockRows()).isZero();
        assertThat(db.queryLong("SELECT count(*) FROM moderation_events")).isEqualTo(eventsBefore);

        // an admin may block a moderator
        assertThat(harness.awaitEphemeral(mod(guild.admin, "block", "user", guild.moderator, "hours", 1)))
                .contains("may not generate images");
        assertThat(blockRows()).isOne();
    }

    @Test
    void theModerationLogListsTheGuildsLatestEvents() {
        harness.awaitEphemeral(mod(guild.moderator, "block", "user", guild.bob, "hours", 5, "reason", "first"));
        harness.awaitEphemeral(mod(guild.moderator, "unblock", "user", guild.bob));
        String log = harness.awaitEphemeral(mod(guild.moderator, "log recent", "count", 2));
        assertThat(log).containsPattern("<t:\\d+:f> \\*\\*MEMBER_UNBLOCKED\\*\\* — <@" + guild.bob.userId() + "> by <@"
                + guild.moderator.userId() + ">");
        assertThat(log.indexOf("MEMBER_UNBLOCKED")).as("newest first").isLessThan(log.indexOf("MEMBER_BLOCKED"));
        assertThat(log).contains("first").doesNotContain("… and");
        assertThat(log.lines().filter(l -> l.startsWith("• ")).count()).isEqualTo(2);
        assertThat(harness.awaitEphemeral(mod(guild.moderator, "log recent", "count", 26))).contains("`count` must be between 1 and 25");
    }
}
