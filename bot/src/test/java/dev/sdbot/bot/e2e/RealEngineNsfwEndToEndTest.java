package dev.sdbot.bot.e2e;

import dev.sdbot.testkit.fake.FakeGuild;
import dev.sdbot.testkit.fake.FakeInteraction;
import dev.sdbot.testkit.fake.FakeMessage;
import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.api.SafetyVerdict;
import dev.sdbot.inference.pipeline.DiffusionGenerator;
import dev.sdbot.scheduler.JobResult;
import dev.sdbot.scheduler.JobState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The NSFW policy with the real engine on the fixture models: mini-sd21v has no safety checker (its images
 * are UNCHECKED), mini-sd15 has one (with the guild's threshold shifted to +1 its scores flag the image).
 * Three small generations (2 steps at 128 × 128, the side the fixtures were trained at and so their default size).
 */
@ExtendWith(EmbeddedPostgresExtension.class)
class RealEngineNsfwEndToEndTest {
    /** A first generation loads the model; the machine's cores are shared. */
    private static final Duration GENERATION = Duration.ofSeconds(240);

    @TempDir
    static Path models;
    private static DiffusionGenerator generator;
    private static BotHarness harness;

    @BeforeAll
    static void start(TestDatabase db) throws Exception {
        for (String model : new String[] {"mini-sd15", "mini-sd21v"}) {
            Files.createSymbolicLink(models.resolve(model), Fixtures.LDM.resolve(model).toAbsolutePath());
        }
        db.update("DELETE FROM channel_nsfw_policies");
        db.update("UPDATE guild_settings SET nsfw_policy = 'BLOCK', nsfw_threshold_shift = 0, allow_unchecked = false");
        generator = new DiffusionGenerator(models, 0.5);
        harness = new BotHarness(db, generator, 1);
    }

    @AfterAll
    static void stop() throws Exception {
        if (harness != null) {
            harness.close();
        }
        if (generator != null) {
            generator.close();
        }
    }

    @Test
    void uncheckedAndFlaggedImagesFollowThePolicyAndReachTheModLog() {
        FakeGuild guild = harness.discord.guild();
        NsfwChecks checks = new NsfwChecks(harness);
        assertThat(checks.staff(guild.moderator, "mod log channel", "channel", guild.modLog)).startsWith("✅");

        // no checker: unchecked, so blocked in an ordinary channel under the default policy
        FakeInteraction ordinary = imagine(guild.alice, guild.general, "mini-sd21v");
        await().atMost(GENERATION).until(() -> !harness.discord.ephemerals(ordinary).isEmpty());
        long unchecked = checks.awaitBlocked(ordinary);
        assertThat(harness.state(unchecked)).isEqualTo(JobState.BLOCKED);
        JobResult uncheckedImage = harness.jobs().results(unchecked).get(0);
        assertThat(uncheckedImage.safety()).isEqualTo(SafetyVerdict.UNCHECKED);
        assertThat(uncheckedImage.nsfwScores()).isEmpty();
        checks.assertNeverShownClear(ordinary, unchecked, null);
        assertThat(checks.awaitModLogEntry(unchecked).embeds().get(0).path("title").asText()).isEqualTo("nsfw_block");

        // allow in an age-restricted channel: posted openly
        assertThat(checks.staff(guild.moderator, "mod nsfw set", "policy", "allow", "channel", guild.ageRestricted))
                .startsWith("✅");
        FakeInteraction adult = imagine(guild.alice, guild.ageRestricted, "mini-sd21v");
        FakeMessage open = awaitResult(adult);
        long openJob = harness.jobIdOf(open);
        assertThat(open.files()).singleElement().satisfies(f -> {
            assertThat(f.filename()).doesNotStartWith("SPOILER_");
            assertThat(f.bytes()).isEqualTo(harness.jobs().results(openJob).get(0).png());
        });
        assertThat(checks.awaitModLogEntry(openJob).embeds().get(0).path("description").asText())
                .contains("UNCHECKED").contains("posted openly");

        // the real checker's scores, shifted by +1, flag the image: pixelated in an ordinary channel
        assertThat(checks.staff(guild.moderator, "mod nsfw set", "policy", "blur", "threshold", 1.0)).startsWith("✅");
        FakeInteraction checked = imagine(guild.bob, guild.general, "mini-sd15");
        FakeMessage blurred = awaitResult(checked);
        long flagged = harness.jobIdOf(blurred);
        JobResult flaggedImage = harness.jobs().results(flagged).get(0);
        assertThat(flaggedImage.safety()).isNotEqualTo(SafetyVerdict.UNCHECKED);
        assertThat(flaggedImage.nsfwScores()).isNotEmpty();
        assertThat(blurred.files()).singleElement().satisfies(f ->
                assertThat(f.filename()).startsWith("SPOILER_").endsWith("-pixelated.png"));
        checks.assertNeverShownClear(checked, flagged, null);
        assertThat(checks.awaitModLogEntry(flagged).embeds().get(0).path("description").asText())
                .contains("FLAGGED").contains("posted pixelated").contains("Threshold shift:** 1.0");
    }

    private static FakeInteraction imagine(FakeGuild.Member member, FakeGuild.Channel channel, String model) {
        return harness.imagine(member, channel, "prompt", "a lighthouse at dusk", "model", model, "steps", 2, "seed", 7);
    }

    private static FakeMessage awaitResult(FakeInteraction interaction) {
        await().atMost(GENERATION).until(() -> harness.discord.original(interaction)
                .filter(m -> !m.files().isEmpty() && !m.buttonIds().isEmpty()).isPresent());
        return harness.awaitResult(interaction);
    }
}
