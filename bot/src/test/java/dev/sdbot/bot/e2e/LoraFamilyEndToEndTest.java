package dev.sdbot.bot.e2e;

import dev.sdbot.testkit.fake.FakeDiscord;
import dev.sdbot.testkit.fake.FakeGuild;
import dev.sdbot.inference.image.GenerationParameters;
import dev.sdbot.inference.image.ImageCodec;
import dev.sdbot.inference.image.PngText;
import dev.sdbot.inference.image.RgbImage;
import dev.sdbot.testkit.fake.FakeInteraction;
import dev.sdbot.testkit.fake.FakeMessage;
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
 * A LoRA, embedding or ControlNet made for another architecture than the model is refused privately before
 * queueing: the worker publishes each one's family (read from tensor names, vector widths and configs) and the bot
 * compares it with the model's. The fixture LoRA is of the SD 1.x layout; {@code xlstyle} is a header-only file with
 * SDXL (lora_te1_) names; embeddings' families are told from their vector widths (768 SD1, clip_l 768 + clip_g 1280
 * SDXL); {@code mini-cn} and {@code mini-cn-sdxl} are the mini SD 1.x and SDXL ControlNets of the inference test
 * resources. Bad control images and unknown ControlNets are refused there too; an SDXL ControlNet on the SDXL model
 * runs to the result ({@link LoraHiresEndToEndTest} runs the SD 1.x one).
 */
@ExtendWith(EmbeddedPostgresExtension.class)
class LoraFamilyEndToEndTest {
    private static final Path CONTROLNETS = Path.of("..", "inference", "src", "test", "resources", "controlnet");
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
        for (String net : new String[] {"mini-cn", "mini-cn-sdxl"}) {
            Path controlNet = Files.createDirectories(models.resolve("controlnet").resolve(net));
            for (String f : new String[] {"config.json", "diffusion_pytorch_model.safetensors"}) {
                Files.copy(CONTROLNETS.resolve(net).resolve(f), controlNet.resolve(f));
            }
        }
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

    @Test
    void badControlNetRequestsAreRefusedBeforeQueueing() throws Exception {
        long before = harness.jobCount();
        assertThat(harness.awaitEphemeral(harness.imagine(guild.alice, guild.general, "prompt", "a fox",
                "model", "mini-sdxl", "steps", 1, "control", "mini-cn", "control_image", circle("c1.png"))))
                .isEqualTo("⚠️ ControlNet `mini-cn` is for SD1 models; `mini-sdxl` is an SDXL model.");
        assertThat(harness.awaitEphemeral(harness.imagine(guild.alice, guild.general, "prompt", "a fox",
                "model", "mini-sd15", "steps", 1, "control", "nope", "control_image", circle("c2.png"))))
                .isEqualTo("⚠️ Unknown ControlNet 'nope'; available: mini-cn, mini-cn-sdxl.");
        assertThat(harness.awaitEphemeral(harness.imagine(guild.alice, guild.general, "prompt", "a fox",
                "model", "mini-sd15", "steps", 1, "control", "mini-cn-sdxl", "control_image", circle("c3.png"))))
                .isEqualTo("⚠️ ControlNet `mini-cn-sdxl` is for SDXL models; `mini-sd15` is an SD1 model.");
        FakeDiscord.HostedFile text = harness.discord.hostAttachment("notes.txt", "text/plain", "hello".getBytes());
        assertThat(harness.awaitEphemeral(harness.imagine(guild.alice, guild.general, "prompt", "a fox",
                "model", "mini-sd15", "control", "mini-cn", "control_image", text)))
                .isEqualTo("⚠️ The control_image attachment `notes.txt` is not an image (PNG, JPEG or WebP).");
        FakeDiscord.HostedFile fake = harness.discord.hostAttachment("fake.png", "image/png", "not a png".getBytes());
        assertThat(harness.awaitEphemeral(harness.imagine(guild.alice, guild.general, "prompt", "a fox",
                "model", "mini-sd15", "control", "mini-cn", "control_image", fake)))
                .startsWith("⚠️ The control_image attachment is not an image I can read");
        FakeDiscord.HostedFile huge = harness.discord.hostAttachment("huge.png", "image/png", new byte[16],
                64L << 20);
        assertThat(harness.awaitEphemeral(harness.imagine(guild.alice, guild.general, "prompt", "a fox",
                "model", "mini-sd15", "control", "mini-cn", "control_image", huge)))
                .isEqualTo("⚠️ The control_image attachment is 64.0 MiB; at most 10.0 MiB is accepted.");
        assertThat(harness.awaitEphemeral(harness.imagine(guild.alice, guild.general, "prompt", "a fox",
                "model", "mini-sd15", "steps", 1, "control", "mini-cn", "control_image", circle("c4.png"),
                "preprocessor", "canny:200:100")))
                .startsWith("⚠️ Canny thresholds must satisfy 1 <= low <= high <= 255, got 200 and 100");
        assertThat(harness.awaitEphemeral(harness.imagine(guild.alice, guild.general, "prompt", "a fox",
                "model", "mini-sd15", "control", "mini-cn")))
                .isEqualTo("⚠️ `control` and `control_image` go together: pick a ControlNet and attach its image.");
        assertThat(harness.jobCount()).isEqualTo(before);
    }

    @Test
    void anSdxlControlNetGuidesAnSdxlModelToTheResult() throws Exception {
        // canny's thresholds are typed into `preprocessor` (free text, suggested): no option beyond Discord's 25
        FakeInteraction typing = harness.discord.autocomplete(guild.alice, guild.general, "imagine",
                FakeDiscord.options("prompt", "x", "preprocessor", "canny:50:1"), "preprocessor");
        await().atMost(Duration.ofSeconds(10)).until(typing::acknowledged);
        RecordedCall callback = harness.discord.calls("POST", "interactions/" + typing.id() + "/.*").get(0);
        assertThat(callback.payload().path("data").path("choices").findValuesAsText("value"))
                .startsWith("canny:50:1").contains("none", "canny");
        // posted as it is in the age-restricted channel once allowed there (mini-sdxl has no safety checker)
        assertThat(new NsfwChecks(harness).staff(guild.moderator, "mod nsfw set", "policy", "allow", "channel",
                guild.ageRestricted)).startsWith("✅");
        FakeInteraction imagine = harness.imagine(guild.alice, guild.ageRestricted, "prompt", "a fox", "model", "mini-sdxl",
                "size", "128x128", "steps", 1, "seed", 5, "control", "mini-cn-sdxl", "control_image",
                circle("xl.png"), "preprocessor", "canny:50:150", "control_weight", 0.7);
        await().atMost(Duration.ofSeconds(240)).until(() -> !harness.discord.ephemerals(imagine).isEmpty()
                || harness.discord.original(imagine).filter(m -> !m.files().isEmpty() && !m.buttonIds().isEmpty())
                .isPresent());
        assertThat(harness.discord.ephemerals(imagine)).as("ephemeral answers").isEmpty();
        FakeMessage result = harness.discord.original(imagine).orElseThrow();
        long id = harness.jobIdOf(result);
        RecordedCall.UploadedFile png = result.files().stream()
                .filter(f -> f.filename().equals("sdbot-" + id + "-0.png")).findFirst().orElseThrow();
        assertThat(ImageCodec.decode(png.bytes()).width()).isEqualTo(128);
        assertThat(PngText.read(png.bytes()).get(GenerationParameters.PNG_KEY))
                .contains("ControlNet 0: \"Module: canny, Model: mini-cn-sdxl [")
                .contains("Weight: 0.7, Resize Mode: Just Resize, Low Vram: False, Processor Res: 512, "
                        + "Threshold A: 50, Threshold B: 150, Guidance Start: 0");
    }

    private static FakeDiscord.HostedFile circle(String name) {
        int w = 64;
        byte[] rgb = new byte[w * w * 3];
        for (int y = 0; y < w; y++) {
            for (int x = 0; x < w; x++) {
                boolean inside = (x - 32) * (x - 32) + (y - 32) * (y - 32) < 18 * 18;
                java.util.Arrays.fill(rgb, (y * w + x) * 3, (y * w + x) * 3 + 3, inside ? (byte) 230 : (byte) 20);
            }
        }
        return harness.discord.hostAttachment(name, "image/png", ImageCodec.encodePng(new RgbImage(w, w, rgb)));
    }
}
