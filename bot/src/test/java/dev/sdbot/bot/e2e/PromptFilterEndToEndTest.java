package dev.sdbot.bot.e2e;

import dev.sdbot.bot.features.moderation.FilterRuleEditor;
import dev.sdbot.testkit.fake.FakeDiscord;
import dev.sdbot.testkit.fake.FakeGuild;
import dev.sdbot.testkit.fake.FakeInteraction;
import dev.sdbot.testkit.fake.FakeMessage;
import dev.sdbot.db.entity.FilterRule;
import dev.sdbot.db.store.FilterRuleStore;
import dev.sdbot.scheduler.JobView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Prompt filters through the fake Discord: /imagine, its negative prompt, the result buttons and /mod filter. */
class PromptFilterEndToEndTest extends EndToEndTest {
    private static final Pattern RULE_ID = Pattern.compile("#(\\d+)");

    @AfterEach
    void clearRules() {
        db.update("DELETE FROM filter_rules");
        db.update("DELETE FROM moderation_events");
        db.update("UPDATE guild_settings SET default_filters_enabled = false");
    }

    private FakeInteraction filter(FakeGuild.Member who, String subcommand, Object... options) {
        return harness.discord.subcommand(who, guild.general, "mod", "filter", subcommand, FakeDiscord.options(options));
    }

    private String filterReply(FakeGuild.Member who, String subcommand, Object... options) {
        return harness.awaitEphemeral(filter(who, subcommand, options));
    }

    private long addRule(String pattern, String action, boolean regex) {
        String reply = filterReply(guild.moderator, "add", "pattern", pattern, "regex", regex, "action", action);
        assertThat(reply).startsWith("✅ Added rule");
        Matcher id = RULE_ID.matcher(reply);
        assertThat(id.find()).as(reply).isTrue();
        return Long.parseLong(id.group(1));
    }

    private long events(String kind, FakeGuild.Member user) {
        return db.queryLong("SELECT count(*) FROM moderation_events WHERE guild_id = ? AND kind = ? AND user_id = ?",
                guild.id, kind, user.userId());
    }

    /** A refusal: a true ephemeral reply (no public placeholder first). */
    private String refusal(FakeInteraction interaction) {
        String text = harness.awaitEphemeral(interaction);
        assertThat(interaction.ackType()).as("answered without a public placeholder").isEqualTo(4);
        return text;
    }

    private void nothingQueuedSince(long jobsBefore) {
        await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
                .until(() -> harness.discord.visibleMessages(guild.general).stream().noneMatch(FakeMessage::loading));
        assertThat(harness.jobCount()).isEqualTo(jobsBefore);
    }

    @Test
    void blockedPromptAndBlockedNegativePromptAreRefusedEphemerallyAndQueueNothing() {
        long rule = addRule("banana", "block", false);
        long jobsBefore = harness.jobCount();

        String prompt = refusal(harness.imagine(guild.alice, guild.general, "prompt", "a b.a.n.a.n.a on a table"));
        assertThat(prompt).contains("Your prompt was blocked by this server's filter").doesNotContain("banana");
        String negative = refusal(harness.imagine(guild.alice, guild.general, "prompt", "a fruit bowl",
                "negative", "B4N4NA, blurry"));
        assertThat(negative).contains("Your negative prompt was blocked by this server's filter");

        nothingQueuedSince(jobsBefore);
        assertThat(events("PROMPT_BLOCKED", guild.alice)).isEqualTo(2);
        assertThat(db.queryLong("SELECT count(*) FROM moderation_events WHERE kind = 'PROMPT_BLOCKED' AND "
                + "(details->>'rule_id')::bigint = ? AND details->>'prompt' = 'a b.a.n.a.n.a on a table' "
                + "AND details->>'field' = 'prompt' AND moderator_id IS NULL", rule)).isEqualTo(1);
        assertThat(db.queryLong("SELECT count(*) FROM moderation_events WHERE kind = 'PROMPT_BLOCKED' AND "
                + "details->>'negative_prompt' = 'B4N4NA, blurry' AND details->>'field' = 'negative prompt'")).isEqualTo(1);
    }

    /**
     * Prompt editing: the engine encodes each text of the schedule, not the prompt as written, so each is screened;
     * "a nu[:de:0.5] figure" reads "a nude figure" for the second half of the run and passed before.
     */
    @Test
    void everyTextOfAPromptEditingScheduleIsScreened() {
        addRule("nude", "block", false);
        long jobsBefore = harness.jobCount();
        assertThat(refusal(harness.imagine(guild.alice, guild.general, "prompt", "[cat:nude:0.9]")))
                .contains("Your prompt was blocked by this server's filter");
        assertThat(refusal(harness.imagine(guild.alice, guild.general, "prompt", "a nu[:de:0.5] figure")))
                .contains("Your prompt was blocked by this server's filter");
        assertThat(refusal(harness.imagine(guild.alice, guild.general, "prompt", "a cat", "negative", "[blurry|nu]de")))
                .contains("Your negative prompt was blocked by this server's filter");
        clearRules();
        addRule("nude", "strip", false);
        assertThat(refusal(harness.imagine(guild.alice, guild.general, "prompt", "a nu[:de:0.5] figure")))
                .contains("Your prompt was blocked by this server's filter");
        nothingQueuedSince(jobsBefore);
    }

    @Test
    void stripRemovesTheWordsAndTheJobRuns() {
        long rule = addRule("banana", "strip", false);
        FakeInteraction imagine = harness.imagine(guild.alice, guild.general, "prompt", "a cat eating a BANANA",
                "negative", "blurry, b a n a n a s");
        FakeMessage result = harness.awaitResult(imagine);
        JobView job = harness.jobs().find(harness.jobIdOf(result)).orElseThrow();
        assertThat(job.request().prompt()).isEqualTo("a cat eating a");
        assertThat(job.request().negativePrompt()).isEqualTo("blurry");
        assertThat(harness.awaitEphemeral(imagine)).contains("removed some words");
        assertThat(db.queryLong("SELECT count(*) FROM moderation_events WHERE kind = 'PROMPT_STRIPPED' AND user_id = ? "
                + "AND (details->>'rule_id')::bigint = ? AND details->>'stripped_prompt' = 'a cat eating a'",
                guild.alice.userId(), rule)).isEqualTo(1);

        long jobsBefore = harness.jobCount();
        String nothingLeft = refusal(harness.imagine(guild.alice, guild.general, "prompt", "banana!"));
        assertThat(nothingLeft).contains("Nothing is left of your prompt");
        nothingQueuedSince(jobsBefore);
    }

    @Test
    void warnLetsTheJobRunAndTellsTheMemberEphemerally() {
        long rule = addRule("clown", "warn", false);
        FakeInteraction imagine = harness.imagine(guild.bob, guild.general, "prompt", "a CL0WN at a party");
        FakeMessage result = harness.awaitResult(imagine);
        assertThat(harness.jobs().find(harness.jobIdOf(result)).orElseThrow().request().prompt())
                .isEqualTo("a CL0WN at a party");
        assertThat(harness.awaitEphemeral(imagine)).contains("moderators");
        assertThat(result.content()).doesNotContain("moderators");
        assertThat(db.queryLong("SELECT count(*) FROM moderation_events WHERE kind = 'PROMPT_WARNED' AND user_id = ? "
                + "AND (details->>'rule_id')::bigint = ?", guild.bob.userId(), rule)).isEqualTo(1);
    }

    @Test
    void buttonsOnAnOlderResultAreRefusedOnceANewerRuleBlocksItsPrompt() {
        FakeMessage original = harness.awaitResult(harness.imagine(guild.alice, guild.general, "prompt", "a ripe mango",
                "negative", "a lemon"));
        long jobId = harness.jobIdOf(original);
        addRule("mango", "block", false);
        long jobsBefore = harness.jobCount();
        for (String action : List.of("reroll", "variations", "upscale")) {
            FakeInteraction press = harness.discord.clickButton(guild.alice, original, "job:" + jobId + ":" + action);
            assertThat(refusal(press)).as(action).contains("Your prompt was blocked by this server's filter");
        }
        db.update("DELETE FROM filter_rules");
        addRule("lemon", "block", false);
        FakeInteraction negative = harness.discord.clickButton(guild.moderator, original, "job:" + jobId + ":reroll");
        assertThat(refusal(negative)).contains("Your negative prompt was blocked by this server's filter");
        nothingQueuedSince(jobsBefore);
        assertThat(events("PROMPT_BLOCKED", guild.alice)).isEqualTo(3);
        assertThat(db.queryLong("SELECT count(*) FROM moderation_events WHERE kind = 'PROMPT_BLOCKED' "
                + "AND details->>'source' = 'button'")).isEqualTo(4);
    }

    @Test
    void aMemberWithoutPermissionCannotChangeTheFilter() {
        for (String subcommand : List.of("add", "defaults")) {
            String reply = filterReply(guild.alice, subcommand, "pattern", "apple", "enabled", true);
            assertThat(reply).contains("needs Manage Messages");
        }
        long rule = addRule("pear", "block", false);
        assertThat(filterReply(guild.alice, "remove", "id", rule)).contains("needs Manage Messages");
        assertThat(db.queryLong("SELECT count(*) FROM filter_rules WHERE guild_id = ?", guild.id)).isEqualTo(1);
        assertThat(db.queryLong("SELECT count(*) FROM guild_settings WHERE guild_id = ? AND default_filters_enabled",
                guild.id)).isZero();
        assertThat(db.queryLong("SELECT count(*) FROM moderation_events WHERE moderator_id = ?", guild.alice.userId())).isZero();
    }

    @Test
    void moderatorsAddListTestAndRemoveRules() {
        long phrase = addRule("Blood Bath", "block", false);
        long regex = addRule("gr[a@]pe\\s*juice", "warn", true);

        assertThat(filterReply(guild.moderator, "add", "pattern", "blood  BATH")).contains("Rule #" + phrase + " already filters");
        assertThat(filterReply(guild.moderator, "add", "pattern", "(unclosed", "regex", true))
                .contains("That regex is not valid").contains("Unclosed group").contains("position");
        assertThat(filterReply(guild.moderator, "add", "pattern", "x*", "regex", true)).contains("matches an empty prompt");
        assertThat(filterReply(guild.moderator, "add", "pattern", "   ")).contains("The pattern is empty");
        assertThat(filterReply(guild.moderator, "add", "pattern", "a".repeat(201))).contains("at most 200");
        assertThat(filterReply(guild.moderator, "add", "pattern", "!!!")).contains("at least one letter or digit");
        assertThat(db.queryLong("SELECT count(*) FROM filter_rules WHERE guild_id = ?", guild.id)).isEqualTo(2);

        assertThat(filterReply(guild.moderator, "list")).contains("#" + phrase + " word `Blood Bath` → block")
                .contains("#" + regex + " regex `gr[a@]pe\\s*juice` → warn").contains("default list: off");
        assertThat(filterReply(guild.moderator, "test", "prompt", "a bl00dbath at dawn"))
                .contains("Blocked by rule #" + phrase);
        assertThat(filterReply(guild.moderator, "test", "prompt", "GRAPE JUICE")).contains("Rule #" + regex).contains("warn");
        assertThat(filterReply(guild.moderator, "test", "prompt", "a calm lake")).contains("No rule fires");

        assertThat(filterReply(guild.moderator, "remove", "id", phrase)).contains("Removed rule #" + phrase);
        assertThat(filterReply(guild.moderator, "remove", "id", phrase)).contains("There is no rule " + phrase + " in this server");
        assertThat(filterReply(guild.moderator, "test", "prompt", "a blood bath")).contains("No rule fires");

        assertThat(events("FILTER_ADDED", guild.moderator)).isEqualTo(2);
        assertThat(events("FILTER_REMOVED", guild.moderator)).isEqualTo(1);
        assertThat(db.queryLong("SELECT count(*) FROM moderation_events WHERE kind = 'FILTER_REMOVED' AND moderator_id = ? "
                + "AND details->>'pattern' = 'Blood Bath'", guild.moderator.userId())).isEqualTo(1);
    }

    /** The caps that keep one guild's rules from costing every submit unbounded work (issue 17 item 2). */
    @Test
    void filterAddRefusesAPhraseOfTooManyWordsAndARuleBeyondTheGuildsCap() {
        String words = "a b c d e f g h i j k";
        assertThat(filterReply(guild.moderator, "add", "pattern", words))
                .contains("That phrase has 11 words; a word rule may have at most 10");
        long cap = FilterRuleEditor.MAX_RULES_PER_GUILD;
        db.update("INSERT INTO filter_rules (guild_id, kind, pattern, action, created_by, created_at) "
                + "SELECT ?, 'PHRASE', 'word' || n, 'BLOCK', ?, now() FROM generate_series(1, ?) n",
                guild.id, guild.moderator.userId(), cap);
        assertThat(filterReply(guild.moderator, "add", "pattern", "one more"))
                .contains("already has " + cap + " filter rules, the most it may have");
        assertThat(db.queryLong("SELECT count(*) FROM filter_rules WHERE guild_id = ?", guild.id)).isEqualTo(cap);
    }

    @Test
    void anotherGuildsRuleCanNeitherBeRemovedNorApplyHere() {
        FilterRule elsewhere = new FilterRuleStore(db.sessionFactory()).add(new FilterRule(guild.id + 1, "PHRASE", "kiwi",
                "BLOCK", 1, Instant.now()));
        assertThat(filterReply(guild.moderator, "remove", "id", elsewhere.getId()))
                .contains("There is no rule " + elsewhere.getId() + " in this server");
        assertThat(db.queryLong("SELECT count(*) FROM filter_rules WHERE id = ?", elsewhere.getId())).isEqualTo(1);
        assertThat(filterReply(guild.moderator, "list")).doesNotContain("kiwi");
        assertThat(filterReply(guild.moderator, "test", "prompt", "a kiwi")).contains("No rule fires");
    }

    @Test
    void theDefaultListCanBeSwitchedOnAndOff() {
        assertThat(filterReply(guild.moderator, "defaults", "enabled", true)).contains("now blocks");
        long jobsBefore = harness.jobCount();
        assertThat(refusal(harness.imagine(guild.alice, guild.general, "prompt", "a p 0 r n poster")))
                .contains("blocked by this server's filter");
        nothingQueuedSince(jobsBefore);
        assertThat(filterReply(guild.moderator, "list")).contains("default list: **on**");
        assertThat(filterReply(guild.moderator, "defaults", "enabled", false)).contains("is off");
        assertThat(filterReply(guild.moderator, "test", "prompt", "a porn poster")).contains("No rule fires");
        assertThat(events("FILTER_DEFAULTS_CHANGED", guild.moderator)).isEqualTo(2);
    }

    @Test
    void aRegexThatRunsOutOfTimeBlocksThePromptAndSaysSo() {
        addRule("((a+)+)+b", "warn", true);
        long jobsBefore = harness.jobCount();
        long start = System.nanoTime();
        FakeInteraction imagine = harness.imagine(guild.bob, guild.general, "prompt", "a".repeat(30) + "!");
        assertThat(refusal(imagine)).contains("filter could not check your prompt");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        nothingQueuedSince(jobsBefore);
        assertThat(db.queryLong("SELECT count(*) FROM moderation_events WHERE kind = 'PROMPT_BLOCKED' AND user_id = ? "
                + "AND details->>'failure' LIKE '%took longer than%'", guild.bob.userId())).isEqualTo(1);
    }
}
