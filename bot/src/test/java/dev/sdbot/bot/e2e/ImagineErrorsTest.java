package dev.sdbot.bot.e2e;

import dev.sdbot.bot.fake.FakeDiscord;
import dev.sdbot.bot.fake.FakeGuild;
import dev.sdbot.bot.fake.FakeInteraction;
import dev.sdbot.bot.fake.RecordedCall;
import dev.sdbot.db.entity.FilterRule;
import dev.sdbot.db.entity.QuotaScope;
import dev.sdbot.db.store.FilterRuleStore;
import dev.sdbot.db.store.GenerationDefaultsStore;
import dev.sdbot.db.store.QuotaRuleStore;
import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Every bad /imagine gets a specific ephemeral answer, no public message and no job row. */
@ExtendWith(EmbeddedPostgresExtension.class)
class ImagineErrorsTest {
    private static BotHarness harness;
    private static FakeGuild guild;
    private static TestDatabase db;

    @BeforeAll
    static void start(TestDatabase database) throws Exception {
        db = database;
        harness = new BotHarness(db, Duration.ZERO, 1);
        guild = harness.discord.guild();
    }

    @AfterAll
    static void stop() throws Exception {
        harness.close();
    }

    @AfterEach
    void nothingWasQueuedOrShown() {
        assertThat(harness.jobCount()).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> harness.discord.visibleMessages(guild.general).isEmpty()
                && harness.discord.visibleMessages(guild.readOnly).isEmpty());
    }

    private String error(FakeInteraction interaction) {
        String text = harness.awaitEphemeral(interaction);
        assertThat(interaction.ackMillis()).isLessThan(3000);
        return text;
    }

    @Test
    void promptBlockedByAFilterNamesTheCategoryNotTheRule() {
        new FilterRuleStore(db.sessionFactory()).add(new FilterRule(guild.id, "WORD", "forbiddenword", "BLOCK",
                guild.moderator.userId(), Instant.now()));
        String text = error(harness.imagine(guild.alice, guild.general, "prompt", "a ForbiddenWord in the sky"));
        assertThat(text).contains("blocked by this server's filter").contains("blocked words").doesNotContain("forbiddenword");
    }

    @Test
    void overQuotaSaysWhenItResets() {
        QuotaRuleStore quotas = new QuotaRuleStore(db.sessionFactory());
        quotas.put(guild.id, QuotaScope.USER, guild.bob.userId(), 0, null, Instant.now());
        String text = error(harness.imagine(guild.bob, guild.general, "prompt", "a cat"));
        assertThat(text).contains("quota").containsPattern("resets <t:\\d+:R>");
        quotas.remove(guild.id, QuotaScope.USER, guild.bob.userId());
    }

    @Test
    void attachmentTooLarge() {
        FakeDiscord.HostedFile huge = harness.discord.hostAttachment("huge.png", "image/png", new byte[16], 25L << 20);
        assertThat(error(harness.imagine(guild.alice, guild.general, "prompt", "x", "image", huge)))
                .contains("image attachment is 25.0 MiB").contains("at most 10.0 MiB");
    }

    @Test
    void attachmentThatIsNotAnImage() {
        FakeDiscord.HostedFile text = harness.discord.hostAttachment("notes.txt", "text/plain",
                "hello".getBytes(StandardCharsets.UTF_8));
        assertThat(error(harness.imagine(guild.alice, guild.general, "prompt", "x", "image", text))).contains("is not an image");
        FakeDiscord.HostedFile fake = harness.discord.hostAttachment("fake.png", "image/png",
                "not really a png".getBytes(StandardCharsets.UTF_8));
        assertThat(error(harness.imagine(guild.alice, guild.general, "prompt", "x", "image", fake))).contains("not an image I can read");
    }

    @Test
    void sizeOverTheGuildLimit() {
        GenerationDefaultsStore defaults = new GenerationDefaultsStore(db.dataSource());
        defaults.put(new GenerationDefaultsStore.GenerationDefaults(guild.id, 0, null, null, null, null, null, null, null,
                512L * 512), Instant.now());
        String text = error(harness.imagine(guild.alice, guild.general, "prompt", "x", "size", "768x768"));
        assertThat(text).contains("768x768 is over this server's limit of 262144 pixels");
        defaults.put(GenerationDefaultsStore.GenerationDefaults.none(guild.id, 0), Instant.now());
    }

    @Test
    void anInteractionWhoseAcknowledgementCameTooLateQueuesNothing() throws Exception {
        harness.discord.ackDeadline(Duration.ZERO);
        try {
            FakeInteraction late = harness.imagine(guild.alice, guild.general, "prompt", "too late");
            await().atMost(Duration.ofSeconds(5)).until(late::calledBack);
            assertThat(late.acknowledged()).isFalse();
            assertThat(harness.discord.calls("POST", "interactions/" + late.id() + "/.*/callback"))
                    .extracting(RecordedCall::status).containsExactly(404);
            Thread.sleep(1000);
        } finally {
            harness.discord.ackDeadline(Duration.ofSeconds(3));
        }
    }

    @Test
    void unknownModel() {
        assertThat(error(harness.imagine(guild.alice, guild.general, "prompt", "x", "model", "sd-xl-nope")))
                .contains("Unknown model `sd-xl-nope`").contains("test-pattern");
    }

    @Test
    void botMayNotPostInTheChannel() {
        assertThat(error(harness.imagine(guild.alice, guild.readOnly, "prompt", "x")))
                .contains("I can't post images in").contains("Send Messages");
    }
}
