package dev.sdbot.bot.e2e;

import dev.sdbot.testkit.fake.FakeGuild;
import dev.sdbot.testkit.fake.FakeInteraction;
import dev.sdbot.testkit.fake.FakeMessage;
import dev.sdbot.db.store.GenerationDefaultsStore;
import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.image.GenerationParameters;
import dev.sdbot.inference.image.ImageCodec;
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
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code <lora:...>} with an SDXL LoRA on the mini-sdxl model through the fake Discord and a worker running the real
 * engine: the LoRA family check lets it through, the picture differs from the same request without the tag, the
 * infotext records the prompt as typed and the LoRA's hash, and the next job without the tag is bit-identical to the
 * one before (merged weights do not leak). The LoRA is the diffusers-checked fixture of inference's test resources
 * ({@code lora-sdxl/}). One Euler step per job at the 128x128 the tiny model was trained at (its default size).
 */
@ExtendWith(EmbeddedPostgresExtension.class)
class SdxlLoraEndToEndTest {
    private static final Path LORA = Path.of("../inference/src/test/resources/lora-sdxl/mini-sdxl-lora.safetensors");
    private static final Duration GENERATION = Duration.ofMinutes(4);
    @TempDir
    static Path models;
    private static TestDatabase db;
    private static DiffusionGenerator generator;
    private static BotHarness harness;
    private static FakeGuild guild;

    @BeforeAll
    static void start(TestDatabase database) throws Exception {
        db = database;
        Files.createSymbolicLink(models.resolve("mini-sdxl"), Fixtures.LDM.resolve("mini-sdxl").toAbsolutePath());
        Files.createSymbolicLink(Files.createDirectories(models.resolve("lora")).resolve("xldetail.safetensors"),
                LORA.toAbsolutePath());
        generator = new DiffusionGenerator(models, 1);
        harness = new BotHarness(db, generator, 1);
        guild = harness.discord.guild();
        new GenerationDefaultsStore(db.dataSource()).put(new GenerationDefaultsStore.GenerationDefaults(guild.id, 0,
                null, null, null, null, null, null, null, 1024L * 1024), Instant.now());
        // mini-sdxl has no safety checker: its images are UNCHECKED, which this guild allows
        db.update("INSERT INTO guild_settings (guild_id, allow_unchecked, updated_at) VALUES (?, true, now())"
                + " ON CONFLICT (guild_id) DO UPDATE SET allow_unchecked = true", guild.id);
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

    private static FakeMessage result(String prompt) {
        FakeInteraction imagine = harness.imagine(guild.alice, guild.general, "prompt", prompt, "model", "mini-sdxl",
                "steps", 1, "sampler", "euler", "seed", 42, "cfg", 5.0);
        await().atMost(GENERATION).until(() -> !harness.discord.ephemerals(imagine).isEmpty()
                || harness.discord.original(imagine).filter(m -> !m.files().isEmpty() && !m.buttonIds().isEmpty())
                .isPresent());
        assertThat(harness.discord.ephemerals(imagine)).as("ephemeral answers").isEmpty();
        return harness.discord.original(imagine).orElseThrow();
    }

    @Test
    void anSdxlLoraChangesItsOwnPictureOnlyAndTheInfotextRecordsIt() throws Exception {
        byte[] before = result("a lighthouse at dusk").files().get(0).bytes();
        String typed = "<lora:xldetail:0.8> a lighthouse at dusk";
        byte[] withLora = result(typed).files().get(0).bytes();
        byte[] after = result("a lighthouse at dusk").files().get(0).bytes();

        byte[] plainPixels = ImageCodec.decode(before).pixels();
        byte[] loraPixels = ImageCodec.decode(withLora).pixels();
        long changed = java.util.stream.IntStream.range(0, plainPixels.length)
                .filter(i -> Math.abs((plainPixels[i] & 0xff) - (loraPixels[i] & 0xff)) > 2).count();
        // the same seed without the LoRA applied gives identical pixels; one step of mini-sdxl moves about 1 %
        assertThat(changed).as("channel values moved by more than 2 levels").isGreaterThan(plainPixels.length / 1000);
        assertThat(Arrays.equals(ImageCodec.decode(after).pixels(), plainPixels))
                .as("the job after the LoRA job is bit-identical to the one before").isTrue();

        GenerationParameters p = GenerationParameters.fromPng(withLora);
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(LORA)));
        assertThat(p.prompt()).isEqualTo(typed);
        assertThat(p.loraHashes()).isEqualTo("xldetail: " + sha.substring(0, 12));
        assertThat(GenerationParameters.fromPng(after).loraHashes()).isNull();
    }
}
