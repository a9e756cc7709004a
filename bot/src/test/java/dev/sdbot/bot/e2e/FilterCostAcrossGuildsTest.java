package dev.sdbot.bot.e2e;

import dev.sdbot.testkit.fake.FakeGuild;
import dev.sdbot.testkit.fake.FakeInteraction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A guild whose moderators wrote the costliest rules there are (stored before the limits on rules existed) and whose
 * members flood /imagine with the prompt those rules cost most on: another guild's /imagine is still acknowledged
 * within a second, and the flooding guild's submits are refused (fail closed), not left hanging.
 */
class FilterCostAcrossGuildsTest extends EndToEndTest {
    private static final String HOSTILE_PROMPT = "a ".repeat(750).strip();

    @AfterEach
    void clearRules() {
        db.update("DELETE FROM filter_rules");
        db.update("DELETE FROM moderation_events");
    }

    private void storeRule(FakeGuild in, String kind, String pattern) {
        db.update("INSERT INTO filter_rules (guild_id, kind, pattern, action, created_by, created_at) "
                + "VALUES (?, ?, ?, 'BLOCK', ?, ?)", in.id, kind, pattern, in.moderator.userId(),
                java.sql.Timestamp.from(Instant.now()));
    }

    @Test
    void aHostileRuleSetInOneGuildDoesNotDelayAnotherGuildsAcknowledgement() {
        FakeGuild a = harness.discord.guild();
        FakeGuild b = harness.discord.otherGuild();
        FakeInteraction warmUp = harness.imagine(b.alice, b.general, "prompt", "a warm-up lighthouse");
        harness.awaitResult(warmUp);
        FakeInteraction quiet = harness.imagine(b.alice, b.general, "prompt", "a quiet lighthouse");
        harness.awaitResult(quiet);
        storeRule(a, "PHRASE", "a a a a a a a a a a a a a a a a a a a a a b"); // 22 one-letter words
        for (int i = 0; i < 99; i++) {
            storeRule(a, "REGEX", "a.*a.*b" + i);
        }

        List<FakeInteraction> flood = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            flood.add(harness.imagine(a.bob, a.general, "prompt", HOSTILE_PROMPT));
        }
        FakeInteraction other = harness.imagine(b.alice, b.general, "prompt", "a lighthouse at dusk");

        await().atMost(Duration.ofSeconds(10)).until(other::acknowledged);
        assertThat(other.ackMillis()).as("guild B's acknowledgement (%.0f ms without the flood)", quiet.ackMillis())
                .isLessThan(1000);
        harness.awaitResult(other);
        for (FakeInteraction refused : flood) {
            assertThat(harness.awaitEphemeral(refused)).as("guild A's submits fail closed")
                    .contains("could not check your prompt");
        }
    }
}
