package dev.sdbot.bot.e2e;

import dev.sdbot.testkit.fake.FakeDiscord;
import dev.sdbot.testkit.fake.FakeInteraction;
import dev.sdbot.testkit.fake.RecordedCall;
import dev.sdbot.db.entity.FilterRule;
import dev.sdbot.db.entity.QuotaScope;
import dev.sdbot.db.store.FilterRuleStore;
import dev.sdbot.db.store.GenerationDefaultsStore;
import dev.sdbot.db.store.GuildSettingsStore;
import dev.sdbot.db.store.QuotaRuleStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Every bad /imagine gets a specific ephemeral answer, no public message and no job row. */
class ImagineErrorsTest extends EndToEndTest {
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
        new FilterRuleStore(db.sessionFactory()).add(new FilterRule(guild.id, "PHRASE", "forbiddenword", "BLOCK",
                guild.moderator.userId(), Instant.now()));
        String text = error(harness.imagine(guild.alice, guild.general, "prompt", "a ForbiddenWord in the sky"));
        assertThat(text).contains("blocked by this server's filter").contains("blocked words").doesNotContain("forbiddenword");
    }

    @Test
    void overQuotaSaysWhenItResets() {
        QuotaRuleStore quotas = new QuotaRuleStore(db.sessionFactory());
        quotas.put(guild.id, QuotaScope.USER, guild.bob.userId(), 0, null, Instant.now());
        FakeInteraction overQuota = harness.imagine(guild.bob, guild.general, "prompt", "a cat");
        String text = error(overQuota);
        assertThat(text).contains("quota").containsPattern("resets <t:\\d+:R>");
        assertThat(overQuota.ackType()).as("answered without a public placeholder").isEqualTo(4);
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

    @Test
    void stepsAndImagesOverTheGuildLimitsAreTrueEphemeralReplies() {
        GuildSettingsStore settings = new GuildSettingsStore(db.sessionFactory());
        settings.update(guild.id, Instant.now(), s -> s.setLimits(10, 2, Instant.now()));
        try {
            FakeInteraction steps = harness.imagine(guild.alice, guild.general, "prompt", "x", "steps", 20);
            assertThat(error(steps)).contains("20 steps is over this server's limit of 10 steps");
            assertThat(steps.ackType()).as("answered without a public placeholder").isEqualTo(4);
            FakeInteraction count = harness.imagine(guild.alice, guild.general, "prompt", "x", "count", 3);
            assertThat(error(count)).contains("3 images is over this server's limit of 2 images");
            assertThat(count.ackType()).isEqualTo(4);
        } finally {
            settings.update(guild.id, Instant.now(), s -> s.setLimits(null, null, Instant.now()));
        }
    }

    @Test
    void errorsThatNeedTheDatabaseAreStillAnsweredWithoutAPublicPlaceholder() {
        FakeInteraction unknown = harness.imagine(guild.alice, guild.general, "prompt", "x", "model", "nope");
        assertThat(error(unknown)).contains("Unknown model `nope`");
        assertThat(unknown.ackType()).isEqualTo(4);
        assertThat(harness.discord.calls("POST", "webhooks/.*")).noneMatch(c -> c.path().contains(unknown.token()));
    }
}
