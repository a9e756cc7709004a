package dev.sdbot.bot.e2e;

import dev.sdbot.testkit.fake.FakeDiscord;
import dev.sdbot.testkit.fake.FakeInteraction;
import dev.sdbot.testkit.fake.FakeMessage;
import dev.sdbot.inference.api.GenerationRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The filter reads the prompt the engine encodes, through the fake Discord: words hidden in prompt syntax (escapes,
 * empty brackets, equal-weight emphasis, LoRA tags, LoRA names) in the prompt, the negative prompt, the {@code lora}
 * option and every button are refused ephemerally and queue nothing; innocent syntax still runs. The whole table is
 * {@code PromptSyntaxEvasionTableTest}.
 */
class PromptSyntaxEvasionEndToEndTest extends EndToEndTest {

    @AfterEach
    void clearRules() {
        db.update("DELETE FROM filter_rules");
        db.update("UPDATE guild_settings SET default_filters_enabled = false");
    }

    private void addRule(String pattern) {
        String reply = harness.awaitEphemeral(harness.discord.subcommand(guild.moderator, guild.general, "mod", "filter",
                "add", FakeDiscord.options("pattern", pattern, "action", "block")));
        assertThat(reply).startsWith("✅ Added rule");
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
    void wordsHiddenInPromptSyntaxAreRefusedInThePromptTheNegativePromptAndTheLoraOption() {
        addRule("nude");
        long jobsBefore = harness.jobCount();
        for (String prompt : List.of("nu\\de woman", "nu()de woman", "nu[]de woman", "((nu))((de))", "nu<lora:x:0>de",
                "a castle BREAK (nu:1.2)(de:1.2) woman", "a woman <lora:nude_style:0.8>")) {
            assertThat(refusal(harness.imagine(guild.alice, guild.general, "prompt", prompt))).as(prompt)
                    .contains("Your prompt was blocked by this server's filter");
        }
        for (String negative : List.of("nu\\de", "lowres, [nu][de]")) {
            assertThat(refusal(harness.imagine(guild.alice, guild.general, "prompt", "a statue", "negative", negative)))
                    .as(negative).contains("Your negative prompt was blocked by this server's filter");
        }
        assertThat(refusal(harness.imagine(guild.alice, guild.general, "prompt", "a woman", "lora", "NUDE-style")))
                .contains("Your prompt was blocked by this server's filter");
        nothingQueuedSince(jobsBefore);
    }

    @Test
    void theBuiltInWordListReadsTheEngineTextToo() {
        assertThat(harness.awaitEphemeral(harness.discord.subcommand(guild.moderator, guild.general, "mod", "filter",
                "defaults", FakeDiscord.options("enabled", true)))).doesNotContain("⚠️");
        long jobsBefore = harness.jobCount();
        // the content, not the reply type: the first screening with the whole list can overrun the check budget on a
        // loaded machine and answer after a public placeholder, still ephemerally and with nothing queued
        assertThat(harness.awaitEphemeral(harness.imagine(guild.bob, guild.general, "prompt", "a (na)(ked) figure")))
                .contains("Your prompt was blocked by this server's filter");
        nothingQueuedSince(jobsBefore);
    }

    @Test
    void everyButtonScreensTheEngineText() {
        FakeMessage original = harness.awaitResult(harness.imagine(guild.alice, guild.general,
                "prompt", "a ba()nana split", "negative", "lowres"));
        long jobId = harness.jobIdOf(original);
        addRule("banana");
        long jobsBefore = harness.jobCount();
        for (String action : List.of("reroll", "variations", "upscale")) {
            FakeInteraction press = harness.discord.clickButton(guild.alice, original, "job:" + jobId + ":" + action);
            assertThat(refusal(press)).as(action).contains("Your prompt was blocked by this server's filter");
        }
        nothingQueuedSince(jobsBefore);
    }

    @Test
    void innocentPromptSyntaxStillRuns() {
        addRule("nude");
        FakeMessage result = harness.awaitResult(harness.imagine(guild.alice, guild.general,
                "prompt", "(masterpiece:1.2), (nu)clear reactor BREAK [[denuded]] hills", "negative", "(blurry:1.1)"));
        GenerationRequest queued = harness.jobs().find(harness.jobIdOf(result)).orElseThrow().request();
        assertThat(queued.prompt()).isEqualTo("(masterpiece:1.2), (nu)clear reactor BREAK [[denuded]] hills");
    }
}
