package dev.sdbot.bot.e2e;

import dev.sdbot.testkit.fake.FakeDiscord;
import dev.sdbot.testkit.fake.FakeGuild;
import dev.sdbot.testkit.fake.FakeInteraction;
import dev.sdbot.testkit.fake.RecordedCall;
import dev.sdbot.inference.weights.SafetensorsWriter;
import dev.sdbot.db.store.GenerationDefaultsStore;
import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.lora.TinyLoraFiles;
import dev.sdbot.inference.pipeline.DiffusionGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A LoRA made for another architecture than the model is refused privately before queueing: the worker publishes
 * each LoRA's family (read from its tensor names) and the bot compares it with the model's. The fixture LoRA is of
 * the SD 1.x layout; {@code xlstyle} is a header-only file with SDXL (lora_te1_) names. Textual-inversion embeddings
 * likewise, their family told from their vector widths (768 SD1, clip_l 768 + clip_g 1280 SDXL).
 */
@ExtendWith(EmbeddedPostgresExtension.class)
class LoraFamilyEndToEndTest {
    @TempDir
    static Path models;
    private static TestDatabase db;
    private static DiffusionGenerator generator;
    private static BotHarness harness;
    private static FakeGuild guild;

    @BeforeAll
    static void start(TestDatabase database) throws Exception {
        db = database;
        Files.createSymbolicLink(models.resolve("mini-sd15"), Fixtures.LDM.resolve("mini-sd15").toAbsolutePath());
        Files.createSymbolicLink(models.resolve("mini-sdxl"), Fixtures.LDM.resolve("mini-sdxl").toAbsolutePath());
        Files.createSymbolicLink(Files.createDirectories(models.resolve("lora")).resolve("detail.safetensors"),
                Fixtures.LDM.resolve("mini-sd15-lora.safetensors").toAbsolutePath());
        TinyLoraFiles.writeSdxl(models.resolve("lora/xlstyle.safetensors"));
        Path embeddings = Files.createDirectories(models.resolve("embeddings"));
        writeEmbedding(embeddings.resolve("sd1neg.safetensors"), Map.of("emb_params", new long[] {2, 768}));
        writeEmbedding(embeddings.resolve("badneg.safetensors"), Map.of("emb_params", new long[] {1, 768}));
        writeEmbedding(embeddings.resolve("xlneg.safetensors"), Map.of("clip_l", new long[] {1, 768},
                "clip_g", new long[] {1, 1280}));
        generator = new DiffusionGenerator(models, 1);
        harness = new BotHarness(db, generator, 1);
        guild = harness.discord.guild();
        // SDXL's default 1024x1024 must pass the guild's pixel limit, so the LoRA check is what answers
        new GenerationDefaultsStore(db.dataSource()).put(new GenerationDefaultsStore.GenerationDefaults(guild.id, 0,
                null, null, null, null, null, null, null, 1024L * 1024), Instant.now());
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            new GenerationDefaultsStore(db.dataSource()).put(GenerationDefaultsStore.GenerationDefaults.none(guild.id, 0),
                    Instant.now());
            harness.close();
        } finally {
            generator.close();
        }
    }

    @Test
    void anSd1LoraOnAnSdxlModelIsRefusedBeforeQueueing() {
        long before = harness.jobCount();
        String tag = harness.awaitEphemeral(harness.imagine(guild.alice, guild.general, "prompt",
                "<lora:detail:0.8> a fox", "model", "mini-sdxl", "steps", 1));
        assertThat(tag).isEqualTo("⚠️ LoRA `detail` is for SD1/SD2 models; `mini-sdxl` is an SDXL model.");
        String option = harness.awaitEphemeral(harness.imagine(guild.bob, guild.general, "prompt", "a fox",
                "model", "mini-sdxl", "lora", "detail", "steps", 1));
        assertThat(option).isEqualTo("⚠️ LoRA `detail` is for SD1/SD2 models; `mini-sdxl` is an SDXL model.");
        assertThat(harness.jobCount()).isEqualTo(before);
    }

    @Test
    void anEmbeddingForAnotherFamilyIsRefusedBeforeQueueingAndNotOfferedForTheModel() {
        long before = harness.jobCount();
        String typed = harness.awaitEphemeral(harness.imagine(guild.alice, guild.general, "prompt", "a fox",
                "negative", "blurry, xlneg", "model", "mini-sd15", "steps", 1));
        assertThat(typed).isEqualTo("⚠️ Embedding `xlneg` is for SDXL models; `mini-sd15` is an SD1 model.");
        String option = harness.awaitEphemeral(harness.imagine(guild.bob, guild.general, "prompt", "a fox",
                "model", "mini-sdxl", "negative_embedding", "sd1neg", "steps", 1));
        assertThat(option).isEqualTo("⚠️ Embedding `sd1neg` is for SD1 models; `mini-sdxl` is an SDXL model.");
        String unknown = harness.awaitEphemeral(harness.imagine(guild.bob, guild.general, "prompt", "a fox",
                "model", "mini-sd15", "embedding", "nope", "steps", 1));
        assertThat(unknown).isEqualTo("⚠️ Unknown embedding `nope`. Available: badneg, sd1neg, xlneg.");
        assertThat(harness.jobCount()).isEqualTo(before);

        FakeInteraction typing = harness.discord.autocomplete(guild.alice, guild.general, "imagine",
                FakeDiscord.options("prompt", "x", "model", "mini-sd15", "negative_embedding", ""), "negative_embedding");
        await().atMost(Duration.ofSeconds(10)).until(typing::acknowledged);
        RecordedCall callback = harness.discord.calls("POST", "interactions/" + typing.id() + "/.*").get(0);
        assertThat(callback.payload().path("data").path("choices").findValuesAsText("value"))
                .containsExactly("badneg", "sd1neg");
    }

    /** The prompt filter reads an embedding's name as the word it is, typed or chosen with the option. */
    @Test
    void aFilterRuleOnAnEmbeddingsNameBlocksItTypedOrChosen() {
        assertThat(new NsfwChecks(harness).staff(guild.moderator, "mod filter add", "pattern", "badneg"))
                .contains("Added rule");
        long before = harness.jobCount();
        String typed = harness.awaitEphemeral(harness.imagine(guild.alice, guild.general, "prompt", "a fox",
                "negative", "(BadNeg:1.2)", "model", "mini-sd15", "steps", 1));
        assertThat(typed).contains("blocked by this server's filter");
        String chosen = harness.awaitEphemeral(harness.imagine(guild.alice, guild.general, "prompt", "a fox",
                "model", "mini-sd15", "negative_embedding", "badneg", "steps", 1));
        assertThat(chosen).contains("blocked by this server's filter");
        assertThat(harness.jobCount()).isEqualTo(before);
    }

    /** A header-only-sized embedding of zeros: its shapes are what the family check reads. */
    private static void writeEmbedding(Path file, Map<String, long[]> shapes) {
        SafetensorsWriter.write(file, shapes.entrySet().stream().map(e -> new SafetensorsWriter.Entry(e.getKey(), "F32",
                e.getValue(), () -> new byte[(int) (e.getValue()[0] * e.getValue()[1] * 4)])).toList(), Map.of());
    }

    @Test
    void anSdxlLoraOnAnSd1ModelIsRefusedBeforeQueueing() {
        long before = harness.jobCount();
        String text = harness.awaitEphemeral(harness.imagine(guild.alice, guild.general, "prompt", "a fox",
                "model", "mini-sd15", "lora", "xlstyle", "steps", 1));
        assertThat(text).isEqualTo("⚠️ LoRA `xlstyle` is for SDXL models; `mini-sd15` is an SD1 model.");
        assertThat(harness.jobCount()).isEqualTo(before);
    }
}
