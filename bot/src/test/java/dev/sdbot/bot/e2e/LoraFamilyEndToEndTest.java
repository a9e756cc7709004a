package dev.sdbot.bot.e2e;

import dev.sdbot.testkit.fake.FakeGuild;
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
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A LoRA made for another architecture than the model is refused privately before queueing: the worker publishes
 * each LoRA's family (read from its tensor names) and the bot compares it with the model's. The fixture LoRA is of
 * the SD 1.x layout; {@code xlstyle} is a header-only file with SDXL (lora_te1_) names.
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
    void anSdxlLoraOnAnSd1ModelIsRefusedBeforeQueueing() {
        long before = harness.jobCount();
        String text = harness.awaitEphemeral(harness.imagine(guild.alice, guild.general, "prompt", "a fox",
                "model", "mini-sd15", "lora", "xlstyle", "steps", 1));
        assertThat(text).isEqualTo("⚠️ LoRA `xlstyle` is for SDXL models; `mini-sd15` is an SD1 model.");
        assertThat(harness.jobCount()).isEqualTo(before);
    }
}
