package dev.sdbot.bot.e2e;

import dev.sdbot.testkit.fake.FakeDiscord;
import dev.sdbot.testkit.fake.FakeInteraction;
import dev.sdbot.testkit.fake.FakeMessage;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.HiresFix;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A guild setting that changes the request (the negative-prompt prefix) keeps every choice of the member: with a
 * prefix set, {@code /imagine hires:2x} and the Upscale button still queue a hires fix (they came out at the original
 * size when the prefix rebuilt the request without it).
 */
class NegativePrefixKeepsHiresTest extends EndToEndTest {

    @AfterEach
    void clearPrefix() {
        db.update("UPDATE guild_settings SET negative_prompt_prefix = ''");
    }

    private GenerationRequest queued(FakeInteraction interaction) {
        await().atMost(Duration.ofSeconds(60)).until(() -> harness.discord.original(interaction)
                .filter(m -> !m.buttonIds().isEmpty() || m.content().contains("Queued")).isPresent()
                || !harness.discord.ephemerals(interaction).isEmpty());
        // an ℹ️ notice (the Upscale button's latent fallback) is information, not a refusal
        assertThat(harness.discord.ephemerals(interaction)).as("no refusal")
                .allSatisfy(m -> assertThat(m.content()).startsWith("ℹ️"));
        long jobId = db.queryLong("SELECT max(id) FROM jobs");
        return harness.jobs().find(jobId).orElseThrow().request();
    }

    private void setPrefix(String prefix) {
        String reply = harness.awaitEphemeral(harness.discord.slashCommand(guild.admin, guild.general, "admin settings",
                FakeDiscord.options("negative_prefix", prefix)));
        assertThat(reply).doesNotContain("⚠️");
    }

    @Test
    void imagineWithHiresKeepsItWhenTheGuildHasANegativePrefix() {
        setPrefix("lowres");
        GenerationRequest r = queued(harness.imagine(guild.alice, guild.general, "prompt", "a lighthouse",
                "negative", "fog", "hires", "2"));
        assertThat(r.negativePrompt()).isEqualTo("lowres, fog");
        assertThat(r.hires()).isNotNull();
        assertThat(r.hires().scale()).isEqualTo(2.0);
        assertThat(r.outputWidth()).isEqualTo(2 * r.width());
    }

    @Test
    void upscaleKeepsItsHiresFixWhenTheGuildHasANegativePrefix() {
        FakeMessage original = harness.awaitResult(harness.imagine(guild.alice, guild.general, "prompt", "a lighthouse"));
        setPrefix("lowres");
        long jobId = harness.jobIdOf(original);
        GenerationRequest up = queued(harness.discord.clickButton(guild.alice, original, "job:" + jobId + ":upscale"));
        assertThat(up.negativePrompt()).startsWith("lowres");
        assertThat(up.hires()).isEqualTo(HiresFix.upscaleButton());
        assertThat(up.outputWidth()).isEqualTo(2 * up.width());
    }
}
