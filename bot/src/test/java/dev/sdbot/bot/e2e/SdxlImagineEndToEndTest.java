package dev.sdbot.bot.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sdbot.testkit.fake.FakeDiscord;
import dev.sdbot.testkit.fake.FakeGuild;
import dev.sdbot.testkit.fake.FakeInteraction;
import dev.sdbot.testkit.fake.FakeMessage;
import dev.sdbot.testkit.fake.RecordedCall;
import dev.sdbot.db.store.GenerationDefaultsStore;
import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.pipeline.DiffusionGenerator;
import dev.sdbot.scheduler.JobState;
import dev.sdbot.scheduler.JobView;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * /imagine with an SDXL model through the fake Discord and a worker running the real engine on the mini-sdxl
 * fixture (and mini-sd15): the model is offered, SDXL sizes are its ~1 megapixel buckets (1024x1024 by default,
 * {@code ModelSizesTest}) plus the side the model was trained at (128 px for the tiny fixture, its default), sizes
 * are validated per family, and the guild's pixel limit still applies. One Euler step at 128x128.
 */
@ExtendWith(EmbeddedPostgresExtension.class)
class SdxlImagineEndToEndTest {
    @TempDir
    static Path models;
    static BotHarness harness;
    static FakeGuild guild;
    static TestDatabase db;
    static DiffusionGenerator generator;

    @BeforeAll
    static void start(TestDatabase database) throws Exception {
        db = database;
        Files.createSymbolicLink(models.resolve("mini-sdxl"), Fixtures.LDM.resolve("mini-sdxl").toAbsolutePath());
        Files.createSymbolicLink(models.resolve("mini-sd15"), Fixtures.LDM.resolve("mini-sd15").toAbsolutePath());
        generator = new DiffusionGenerator(models, 1);
        harness = new BotHarness(db, generator, 1);
        guild = harness.discord.guild();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            db.update("UPDATE guild_settings SET allow_unchecked = false WHERE guild_id = ?", guild.id);
            new GenerationDefaultsStore(db.dataSource()).put(GenerationDefaultsStore.GenerationDefaults.none(guild.id, 0),
                    Instant.now());
            harness.close();
        } finally {
            generator.close();
        }
    }

    private static void guildMaxPixels(long pixels) {
        new GenerationDefaultsStore(db.dataSource()).put(new GenerationDefaultsStore.GenerationDefaults(guild.id, 0,
                null, null, null, null, null, null, null, pixels), Instant.now());
    }

    @Test
    void sdxlModelIsOfferedByAutocomplete() {
        FakeInteraction typing = harness.discord.autocomplete(guild.alice, guild.general, "imagine",
                FakeDiscord.options("prompt", "x", "model", "xl"), "model");
        await().atMost(Duration.ofSeconds(10)).until(typing::acknowledged);
        RecordedCall callback = harness.discord.calls("POST", "interactions/" + typing.id() + "/.*").get(0);
        assertThat(callback.payload().path("data").path("choices").findValuesAsText("value")).containsExactly("mini-sdxl");
    }

    @Test
    void sizesAreValidatedPerModelFamily() {
        guildMaxPixels(1024L * 1024);
        long jobsBefore = harness.jobCount();
        String sdxl = harness.awaitEphemeral(harness.imagine(guild.alice, guild.general, "prompt", "a fox",
                "model", "mini-sdxl", "size", "512x512"));
        assertThat(sdxl).contains("`mini-sdxl` is an SDXL model").contains("128x128, 1024x1024, 1152x896, 896x1152")
                .contains("not 512x512");
        String sd15 = harness.awaitEphemeral(harness.imagine(guild.bob, guild.general, "prompt", "a fox",
                "model", "mini-sd15", "size", "1216x832"));
        assertThat(sd15).contains("`mini-sd15` is an SD 1.x model").contains("not 1216x832");
        assertThat(harness.jobCount()).as("nothing queued").isEqualTo(jobsBefore);
    }

    @Test
    void theGuildPixelLimitAppliesToSdxlSizes() {
        guildMaxPixels(768L * 768);
        String text = harness.awaitEphemeral(harness.imagine(guild.alice, guild.general, "prompt", "a fox",
                "model", "mini-sdxl", "size", "1024x1024"));
        assertThat(text).contains("1024x1024 is over this server's limit of 589824 pixels");
    }

    @Test
    void imagineWithAnSdxlModelPostsAPictureOfTheSideItWasTrainedAt() throws Exception {
        guildMaxPixels(1024L * 1024);
        // mini-sdxl has no safety checker: its images are UNCHECKED, which this guild allows
        db.update("INSERT INTO guild_settings (guild_id, allow_unchecked, updated_at) VALUES (?, true, now())"
                + " ON CONFLICT (guild_id) DO UPDATE SET allow_unchecked = true", guild.id);
        FakeInteraction imagine = harness.imagine(guild.alice, guild.general, "prompt", "a lighthouse at dusk",
                "model", "mini-sdxl", "steps", 1, "sampler", "euler", "seed", 42, "cfg", 5.0);
        await().atMost(Duration.ofMinutes(4)).until(() -> db.queryLong(
                "SELECT count(*) FROM jobs WHERE state IN ('POSTED', 'FAILED', 'CANCELLED', 'BLOCKED')") > 0);
        JobView job = harness.jobs().find(db.queryLong("SELECT max(id) FROM jobs")).orElseThrow();
        assertThat(job.state()).as(job.toString()).isEqualTo(JobState.POSTED);
        await().atMost(Duration.ofSeconds(30)).until(() -> harness.discord.original(imagine)
                .filter(m -> !m.files().isEmpty() && !m.buttonIds().isEmpty()).isPresent());
        FakeMessage result = harness.discord.original(imagine).orElseThrow();
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(result.files().get(0).bytes()));
        assertThat(image.getWidth()).isEqualTo(128);
        assertThat(image.getHeight()).isEqualTo(128);
        assertThat(fields(result.embeds().get(0))).contains("Model=mini-sdxl", "Size=128x128", "Seed=42");
    }

    private static List<String> fields(JsonNode embed) {
        return StreamSupport.stream(embed.path("fields").spliterator(), false)
                .map(f -> f.path("name").asText() + "=" + f.path("value").asText()).toList();
    }
}
