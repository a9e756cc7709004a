package dev.sdbot.bot.e2e;

import dev.sdbot.testkit.fake.FakeDiscord;
import dev.sdbot.testkit.fake.FakeGuild;
import dev.sdbot.testkit.fake.FakeInteraction;
import dev.sdbot.testkit.fake.FakeMessage;
import dev.sdbot.testkit.fake.RecordedCall;
import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.api.GenerationException;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.GenerationResult;
import dev.sdbot.inference.api.ImageGenerator;
import dev.sdbot.inference.api.ProgressListener;
import dev.sdbot.inference.api.HiresFix;
import dev.sdbot.inference.image.GenerationParameters;
import dev.sdbot.inference.image.ImageCodec;
import dev.sdbot.inference.pipeline.DiffusionGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.sdbot.inference.image.RgbImage;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * /imagine with a LoRA (tag or option, autocompleted from what the worker publishes), the hires option (with an ESRGAN
 * hires upscaler), the Upscale button and /upscale with the worker's ESRGAN upscaler (a tiny RRDBNet x4), with the real
 * engine on the fixture (64 x 64, 2 steps). The worker announces no model family, as a
 * worker that cannot tell one does: an SD 1.x family would hold /imagine to 512 x 512 and up, far slower on a CPU.
 */
@ExtendWith(EmbeddedPostgresExtension.class)
class LoraHiresEndToEndTest {
    private static final Duration GENERATION = Duration.ofSeconds(240);
    @TempDir
    static Path models;
    private static DiffusionGenerator generator;
    private static BotHarness harness;

    @BeforeAll
    static void start(TestDatabase db) throws Exception {
        Files.createSymbolicLink(models.resolve("mini-sd15"), Fixtures.LDM.resolve("mini-sd15").toAbsolutePath());
        Files.createSymbolicLink(Files.createDirectories(models.resolve("lora")).resolve("detail.safetensors"),
                Fixtures.LDM.resolve("mini-sd15-lora.safetensors").toAbsolutePath());
        try (InputStream in = LoraHiresEndToEndTest.class.getResourceAsStream("/upscalers/tiny-rrdb-x4.safetensors")) {
            Files.copy(in, Files.createDirectories(models.resolve("upscalers")).resolve("sharp.safetensors"));
        }
        generator = new DiffusionGenerator(models, 1);
        harness = new BotHarness(db, new FamilyUnknown(generator), 1);
        // the fixture's random safety checker flags some images: post them where the guild allows that
        FakeGuild guild = harness.discord.guild();
        assertThat(new NsfwChecks(harness).staff(guild.moderator, "mod nsfw set", "policy", "allow", "channel",
                guild.ageRestricted)).startsWith("✅");
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

    private FakeMessage result(FakeInteraction interaction) {
        await().atMost(GENERATION).until(() -> !harness.discord.ephemerals(interaction).isEmpty()
                || harness.discord.original(interaction).filter(m -> !m.files().isEmpty() && !m.buttonIds().isEmpty())
                .isPresent());
        assertThat(harness.discord.ephemerals(interaction)).as("ephemeral answers").isEmpty();
        return harness.discord.original(interaction).orElseThrow();
    }

    @Test
    void loraOptionAndTagReachTheEngineAndUnknownOnesAreRefusedPrivately() throws Exception {
        FakeGuild guild = harness.discord.guild();
        FakeInteraction typing = harness.discord.autocomplete(guild.alice, guild.ageRestricted, "imagine",
                FakeDiscord.options("prompt", "x", "lora", "det"), "lora");
        await().atMost(Duration.ofSeconds(10)).until(typing::acknowledged);
        RecordedCall callback = harness.discord.calls("POST", "interactions/" + typing.id() + "/.*").get(0);
        assertThat(callback.payload().path("data").path("choices").findValuesAsText("value")).containsExactly("detail");

        FakeMessage viaOption = result(harness.imagine(guild.alice, guild.ageRestricted, "prompt", "a fox", "model",
                "mini-sd15", "lora", "detail", "steps", 2, "seed", 3));
        GenerationParameters p = GenerationParameters.fromPng(viaOption.files().get(0).bytes());
        assertThat(p.prompt()).isEqualTo("a fox <lora:detail:1>");
        assertThat(p.loraHashes()).matches("detail: [0-9a-f]{12}");

        long before = harness.jobCount();
        FakeInteraction unknown = harness.imagine(guild.alice, guild.ageRestricted, "prompt", "<lora:nope:0.5> a fox",
                "model", "mini-sd15", "steps", 2);
        assertThat(harness.awaitEphemeral(unknown)).isEqualTo("⚠️ Unknown LoRA 'nope'; available: detail.");
        FakeInteraction badOption = harness.imagine(guild.alice, guild.ageRestricted, "prompt", "a fox", "model", "mini-sd15",
                "lora", "nope");
        assertThat(harness.awaitEphemeral(badOption)).contains("Unknown LoRA 'nope'");
        assertThat(harness.jobCount()).isEqualTo(before);
    }

    @Test
    void hiresOptionWithAnEsrganUpscalerAndTheUpscaleButtonEnlargingTheImageWithIt() throws Exception {
        FakeGuild guild = harness.discord.guild();
        FakeInteraction typing = harness.discord.autocomplete(guild.alice, guild.ageRestricted, "imagine",
                FakeDiscord.options("prompt", "x", "hires_upscaler", "sh"), "hires_upscaler");
        await().atMost(Duration.ofSeconds(10)).until(typing::acknowledged);
        assertThat(harness.discord.calls("POST", "interactions/" + typing.id() + "/.*").get(0).payload().path("data")
                .path("choices").findValuesAsText("value")).containsExactly("sharp");
        FakeMessage hires = result(harness.imagine(guild.alice, guild.ageRestricted, "prompt", "a fox", "model", "mini-sd15",
                "steps", 2, "seed", 9, "hires", "2", "hires_upscaler", "sharp"));
        assertThat(ImageCodec.decode(hires.files().get(0).bytes()).width()).isEqualTo(128);
        GenerationParameters hp = GenerationParameters.fromPng(hires.files().get(0).bytes());
        assertThat(hp.hiresScale()).isEqualTo(2.0);
        assertThat(hp.hiresUpscaler()).isEqualTo("sharp");

        long before = harness.jobCount();
        assertThat(harness.awaitEphemeral(harness.imagine(guild.alice, guild.ageRestricted, "prompt", "a fox", "model",
                "mini-sd15", "steps", 2, "hires", "2", "hires_upscaler", "nope")))
                .isEqualTo("⚠️ Unknown upscaler 'nope'; available: sharp (or latent, latent-bicubic, latent-nearest, lanczos).");
        assertThat(harness.awaitEphemeral(harness.imagine(guild.alice, guild.ageRestricted, "prompt", "a fox", "model",
                "mini-sd15", "hires_upscaler", "sharp"))).contains("add `hires` too");
        assertThat(harness.jobCount()).isEqualTo(before);

        FakeMessage plain = result(harness.imagine(guild.alice, guild.ageRestricted, "prompt", "a fox", "model", "mini-sd15",
                "steps", 2, "seed", 9));
        long plainJob = harness.jobIdOf(plain);
        FakeInteraction notYours = harness.discord.clickButton(guild.bob, plain, "job:" + plainJob + ":upscale");
        assertThat(harness.awaitEphemeral(notYours)).startsWith("🙅 Not yours");
        assertThat(harness.jobCount()).isEqualTo(before + 1);

        FakeMessage upscaled = result(harness.discord.clickButton(guild.alice, plain, "job:" + plainJob + ":upscale"));
        GenerationRequest r = harness.jobs().find(harness.jobIdOf(upscaled)).orElseThrow().request();
        assertThat(r.upscaler()).isEqualTo("sharp");
        assertThat(r.seed()).isEqualTo(9L);
        byte[] png = upscaled.files().get(0).bytes();
        assertThat(ImageCodec.decode(png).width()).isEqualTo(128);
        assertThat(dev.sdbot.inference.image.PngText.read(png).get(GenerationParameters.PNG_KEY)).startsWith("a fox")
                .endsWith("Postprocess upscaler: sharp, Postprocess upscale to: 128x128");
        assertThat(upscaled.buttonIds()).containsExactly("job:" + harness.jobIdOf(upscaled) + ":delete");
    }

    /** /upscale: autocomplete, the result's size, and every bad input refused privately with nothing queued. */
    @Test
    void upscaleCommandEnlargesWithTheWorkersUpscalerAndRefusesBadInputPrivately() throws Exception {
        FakeGuild guild = harness.discord.guild();
        FakeInteraction typing = harness.discord.autocomplete(guild.alice, guild.ageRestricted, "upscale",
                FakeDiscord.options("upscaler", "SH"), "upscaler");
        await().atMost(Duration.ofSeconds(10)).until(typing::acknowledged);
        com.fasterxml.jackson.databind.JsonNode choices = harness.discord.calls("POST", "interactions/" + typing.id()
                + "/.*").get(0).payload().path("data").path("choices");
        assertThat(choices.findValuesAsText("value")).containsExactly("sharp");
        assertThat(choices.findValuesAsText("name")).containsExactly("sharp (4x)");

        byte[] px = new byte[40 * 24 * 3];
        new java.util.Random(5).nextBytes(px);
        FakeDiscord.HostedFile small = harness.discord.hostAttachment("small.png", "image/png",
                ImageCodec.encodePng(new RgbImage(40, 24, px)));
        FakeMessage up = result(harness.discord.slashCommand(guild.alice, guild.ageRestricted, "upscale",
                FakeDiscord.options("image", small, "upscaler", "sharp")));
        RgbImage out = ImageCodec.decode(up.files().get(0).bytes());
        assertThat(out.width()).as("the network's own 4x").isEqualTo(160);
        assertThat(out.height()).isEqualTo(96);

        long before = harness.jobCount();
        FakeDiscord.HostedFile large = harness.discord.hostAttachment("large.png", "image/png",
                ImageCodec.encodePng(new RgbImage(600, 520, new byte[600 * 520 * 3])));
        FakeDiscord.HostedFile text = harness.discord.hostAttachment("notes.txt", "text/plain", "hello".getBytes());
        FakeDiscord.HostedFile fake = harness.discord.hostAttachment("fake.png", "image/png", "not a png".getBytes());
        assertThat(refusal("image", text)).contains("`notes.txt` is not an image");
        assertThat(refusal("image", fake)).contains("is not an image I can read");
        assertThat(refusal("image", large, "scale", 4)).startsWith("⚠️ The image is too large to upscale: 600x520 at 4x");
        assertThat(refusal("image", small, "upscaler", "nope")).isEqualTo("⚠️ Unknown upscaler `nope`; available: sharp.");
        assertThat(refusal("image", small, "scale", 1)).isEqualTo("⚠️ `sharp` is a 4x network: it gives 2x or 4x, not 1x.");
        assertThat(harness.jobCount()).isEqualTo(before);
    }

    private String refusal(Object... options) {
        FakeGuild guild = harness.discord.guild();
        FakeInteraction i = harness.discord.slashCommand(guild.alice, guild.ageRestricted, "upscale",
                FakeDiscord.options(options));
        String text = harness.awaitEphemeral(i);
        assertThat(i.ackType()).as("answered without a public placeholder").isEqualTo(4);
        return text;
    }

    /**
     * A prompt as shared from A1111 (prompt editing and alternation in prompt and negative prompt, clip skip 2, hires)
     * in one /imagine: it runs, and the infotext keeps the prompt as written with A1111's fields.
     */
    @Test
    void aSharedA1111PromptWithEditingClipSkipAndHires() throws Exception {
        FakeGuild guild = harness.discord.guild();
        String prompt = "a [fox:wolf:0.5] in the snow, [red|blue] scarf";
        FakeMessage shared = result(harness.imagine(guild.alice, guild.ageRestricted, "prompt", prompt,
                "negative", "[blurry::0.5]", "model", "mini-sd15", "steps", 2, "seed", 9, "clip_skip", 2,
                "hires", "2"));
        GenerationRequest r = harness.jobs().find(harness.jobIdOf(shared)).orElseThrow().request();
        assertThat(r.clipSkip()).isEqualTo(2);
        GenerationParameters p = GenerationParameters.fromPng(shared.files().get(0).bytes());
        assertThat(p.prompt()).isEqualTo(prompt);
        assertThat(p.negativePrompt()).isEqualTo("[blurry::0.5]");
        assertThat(p.clipSkip()).isEqualTo(2);
        assertThat(p.hiresScale()).isEqualTo(2.0);
        assertThat(ImageCodec.decode(shared.files().get(0).bytes()).width()).isEqualTo(128);
    }

    /** The engine, with no model family announced (sizes are then not held to a family's). */
    private record FamilyUnknown(DiffusionGenerator engine) implements ImageGenerator {
        @Override
        public GenerationResult generate(GenerationRequest request, ProgressListener listener) throws GenerationException {
            return engine.generate(request, listener);
        }

        @Override
        public Set<String> availableModels() {
            return engine.availableModels();
        }

        @Override
        public Set<String> loadedModels() {
            return engine.loadedModels();
        }

        @Override
        public Set<String> uncheckedModels() {
            return engine.uncheckedModels();
        }

        @Override
        public Set<String> availableLoras() {
            return engine.availableLoras();
        }

        @Override
        public java.util.Map<String, Integer> upscalers() {
            return engine.upscalers();
        }
    }
}
