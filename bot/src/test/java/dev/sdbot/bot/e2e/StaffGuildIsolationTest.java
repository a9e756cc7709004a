package dev.sdbot.bot.e2e;

import dev.sdbot.testkit.fake.FakeDiscord;
import dev.sdbot.testkit.fake.FakeGuild;
import dev.sdbot.testkit.fake.FakeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two guilds in the fake Discord, each with its own moderator and admin (alice is a member of both): the filters,
 * settings, quotas, usage and moderation log of guild A can be neither seen nor changed from guild B, and none of
 * A's rules applies to B — all through /mod and /admin as their members use them.
 */
class StaffGuildIsolationTest extends EndToEndTest {

    @AfterEach
    void clean() {
        db.update("DELETE FROM filter_rules");
        db.update("DELETE FROM quota_rules");
        db.update("DELETE FROM guild_settings");
        db.update("DELETE FROM generation_defaults");
    }

    private String ask(FakeGuild.Member member, FakeGuild in, String command, Object... options) {
        return harness.awaitEphemeral(harness.discord.slashCommand(member, in.general, command, FakeDiscord.options(options)));
    }

    @Test
    void filtersSettingsQuotasUsageAndTheLogOfOneGuildAreInvisibleAndUntouchableFromTheOther() {
        FakeGuild a = harness.discord.guild();
        FakeGuild b = harness.discord.otherGuild();
        assertThat(a.alice.userId()).as("the same member in both guilds").isEqualTo(b.alice.userId());

        assertThat(ask(a.moderator, a, "mod filter add", "pattern", "banana")).contains("Added rule");
        long ruleOfA = db.queryLong("SELECT id FROM filter_rules WHERE guild_id = ? AND pattern = 'banana'", a.id);
        assertThat(ask(a.admin, a, "admin settings", "negative_prefix", "guild-a-prefix")).doesNotContain("⚠️");
        assertThat(ask(a.admin, a, "admin quota set", "user", a.alice, "images_per_day", 0)).contains("✅");
        harness.awaitResult(harness.imagine(a.bob, a.general, "prompt", "a lighthouse in A"));
        long imagesOfA = db.queryLong("SELECT sum(images) FROM usage_ledger WHERE guild_id = ?", a.id);
        assertThat(imagesOfA).isPositive();

        // nothing of A shows in B
        assertThat(ask(b.moderator, b, "mod filter list")).doesNotContain("banana");
        assertThat(ask(b.moderator, b, "mod filter test", "prompt", "a banana")).doesNotContain("banana\"").doesNotContain("#" + ruleOfA);
        assertThat(ask(b.admin, b, "admin settings")).doesNotContain("guild-a-prefix");
        assertThat(ask(b.admin, b, "admin quota list")).doesNotContain(Long.toString(a.alice.userId()));
        assertThat(ask(b.admin, b, "admin usage")).contains("Last 30 days: 0 image(s)");
        assertThat(ask(b.moderator, b, "mod log recent")).isEqualTo("No moderation events in this server yet.");

        // nothing of A can be changed from B
        assertThat(ask(b.moderator, b, "mod filter remove", "id", ruleOfA)).contains("There is no rule " + ruleOfA + " in this server");
        assertThat(ask(b.admin, b, "admin quota clear", "user", b.alice)).contains("nothing was changed");
        assertThat(db.queryLong("SELECT count(*) FROM filter_rules WHERE id = ?", ruleOfA)).isOne();
        assertThat(db.queryLong("SELECT count(*) FROM quota_rules WHERE guild_id = ?", a.id)).isOne();

        // A's rules don't apply in B: alice may draw a banana there, with no prefix and no quota of A's
        FakeMessage inB = harness.awaitResult(harness.imagine(b.alice, b.general, "prompt", "a banana split"));
        long jobInB = harness.jobIdOf(inB);
        assertThat(harness.jobs().find(jobInB).orElseThrow().request().negativePrompt()).doesNotContain("guild-a-prefix");
        // ...while in A both still hold
        assertThat(harness.awaitEphemeral(harness.imagine(a.bob, a.general, "prompt", "a banana split")))
                .contains("blocked by this server's filter");
        assertThat(harness.awaitEphemeral(harness.imagine(a.alice, a.general, "prompt", "a lighthouse")))
                .contains("quota");
        assertThat(db.queryLong("SELECT count(*) FROM moderation_events WHERE guild_id = ?", b.id)).isZero();
        assertThat(ask(a.moderator, a, "mod log recent")).contains("FILTER_ADDED");
    }
}
