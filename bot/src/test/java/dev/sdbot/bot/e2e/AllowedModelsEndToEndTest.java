package dev.sdbot.bot.e2e;

import dev.sdbot.testkit.fake.FakeDiscord;
import dev.sdbot.testkit.fake.FakeInteraction;
import dev.sdbot.testkit.fake.FakeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code /admin settings allowed_models / allowed_loras}: stored per guild, shown with the settings, and enforced
 * before anything is queued on /imagine and on the buttons, with an ephemeral error naming what is allowed.
 */
class AllowedModelsEndToEndTest extends EndToEndTest {

    @AfterEach
    void liftRestrictions() {
        db.update("UPDATE guild_settings SET allowed_models = NULL, allowed_loras = NULL");
    }

    private String settings(Object... options) {
        return harness.awaitEphemeral(harness.discord.slashCommand(guild.admin, guild.general, "admin settings",
                FakeDiscord.options(options)));
    }

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
    void aModelOffTheListIsRefusedOnImagineAndOnButtons() {
        FakeMessage original = harness.awaitResult(harness.imagine(guild.alice, guild.general, "prompt", "a kite"));
        long jobId = harness.jobIdOf(original);
        String reply = settings("allowed_models", "trusted-a, trusted-b");
        assertThat(reply).contains("Models allowed: `trusted-a`, `trusted-b`");
        assertThat(db.queryLong("SELECT count(*) FROM guild_settings WHERE guild_id = ? AND allowed_models = "
                + "ARRAY['trusted-a', 'trusted-b']", guild.id)).isEqualTo(1);
        long jobsBefore = harness.jobCount();
        assertThat(refusal(harness.imagine(guild.alice, guild.general, "prompt", "a kite")))
                .contains("This server doesn't allow the model").contains("`trusted-a`, `trusted-b`");
        assertThat(refusal(harness.discord.clickButton(guild.alice, original, "job:" + jobId + ":reroll")))
                .contains("This server doesn't allow the model");
        nothingQueuedSince(jobsBefore);

        assertThat(settings("allowed_models", "all")).contains("Models allowed: any");
        harness.awaitResult(harness.imagine(guild.alice, guild.general, "prompt", "a kite"));
    }

    @Test
    void aLoraOffTheListIsRefusedWhateverItsName() {
        assertThat(settings("allowed_loras", "none")).contains("LoRAs allowed: none");
        long jobsBefore = harness.jobCount();
        assertThat(refusal(harness.imagine(guild.alice, guild.general, "prompt", "a kite <lora:cute_kites:0.7>")))
                .contains("This server doesn't allow the LoRA `cute_kites`; allowed: none");
        assertThat(refusal(harness.imagine(guild.alice, guild.general, "prompt", "a kite", "lora", "cute_kites")))
                .contains("doesn't allow the LoRA `cute_kites`");
        nothingQueuedSince(jobsBefore);
        assertThat(settings("allowed_loras", "<lora:x>")).contains("takes names separated by commas");
    }
}
