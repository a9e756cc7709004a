package dev.sdbot.bot.e2e;

import dev.sdbot.testkit.fake.FakeDiscord;
import dev.sdbot.testkit.fake.FakeGuild;
import dev.sdbot.testkit.fake.FakeInteraction;
import dev.sdbot.testkit.fake.FakeMessage;
import dev.sdbot.testkit.fake.RecordedCall;
import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.store.GuildSettingsStore;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.api.GenerationException;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.GenerationResult;
import dev.sdbot.inference.api.ImageGenerator;
import dev.sdbot.inference.api.ModelPreset;
import dev.sdbot.inference.api.ProgressListener;
import dev.sdbot.inference.api.HiresFix;
import dev.sdbot.inference.image.GenerationParameters;
import dev.sdbot.inference.image.ImageCodec;
import dev.sdbot.inference.image.PngText;
import dev.sdbot.inference.image.RgbImage;
import dev.sdbot.inference.pipeline.DiffusionGenerator;
import dev.sdbot.scheduler.JobView;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * /imagine with a LoRA (tag or option, autocompleted from what the worker publishes), the hires option, the
 * Upscale button and a ControlNet ({@code control_image}, {@code control} autocompleted), with the real engine on the fixture (64 x 64, 2 steps). The worker announces no model family, as a
 * worker that cannot tell one does: an SD 1.x family would hold /imagine to 512 x 512 and up, far slower on a CPU.
 */
@ExtendWith(EmbeddedPostgresExtension.class)
class LoraHiresEndToEndTest {
    private static final Duration GENERATION = Duration.ofSeconds(240);
    private static final Path MINI_CN = Path.of("..", "inference", "src", "test", "resources", "controlnet", "mini-cn");
    @TempDir
    static Path models;
    private static DiffusionGenerator generator;
    private static BotHarness harness;

    @BeforeAll
    static void start(TestDatabase db) throws Exception {
        Files.createSymbolicLink(models.resolve("mini-sd15"), Fixtures.LDM.resolve("mini-sd15").toAbsolutePath());
        // the same weights as an "anime" model with its own defaults, and one whose sidecar is out of range
        Files.createSymbolicLink(models.resolve("anime"), Fixtures.LDM.resolve("mini-sd15").toAbsolutePath());
        Files.writeString(models.resolve("anime.yaml"), "sdbot:\n  clip_skip: 2\n  steps: 1\n");
        Files.createSymbolicLink(models.resolve("broken"), Fixtures.LDM.resolve("mini-sd15").toAbsolutePath());
        Files.writeString(models.resolve("broken.yaml"), "sdbot:\n  steps: 0\n");
        Path inpainting = Files.createDirectories(models.resolve("mini-sd15-inpainting"));
        for (String part : List.of("vae", "text_encoder", "tokenizer", "scheduler", "safety_checker", "feature_extractor")) {
            Files.createSymbolicLink(inpainting.resolve(part), Fixtures.LDM.resolve("mini-sd15").resolve(part).toAbsolutePath());
        }
        Files.createSymbolicLink(inpainting.resolve("unet"), Fixtures.LDM.resolve("mini-sd15-inpainting/unet").toAbsolutePath());
        Files.createSymbolicLink(Files.createDirectories(models.resolve("lora")).resolve("detail.safetensors"),
                Fixtures.LDM.resolve("mini-sd15-lora.safetensors").toAbsolutePath());
        Path controlNet = Files.createDirectories(models.resolve("controlnet/mini-cn"));
        for (String f : new String[] {"config.json", "diffusion_pytorch_model.safetensors"}) {
            Files.copy(MINI_CN.resolve(f), controlNet.resolve(f));
        }
        // make_embeddings.py: mini-sd15's own token-embedding row of "red", as A1111 saves an embedding
        Files.copy(Path.of("../inference/src/test/resources/embeddings/red.pt"),
                Files.createDirectories(models.resolve("embeddings")).resolve("onered.pt"));
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
    void hiresOptionAndTheUpscaleButtonRunAHiresFix() throws Exception {
        FakeGuild guild = harness.discord.guild();
        FakeMessage hires = result(harness.imagine(guild.alice, guild.ageRestricted, "prompt", "a fox", "model", "mini-sd15",
                "steps", 2, "seed", 9, "hires", "2"));
        assertThat(ImageCodec.decode(hires.files().get(0).bytes()).width()).isEqualTo(128);
        assertThat(GenerationParameters.fromPng(hires.files().get(0).bytes()).hiresScale()).isEqualTo(2.0);

        FakeMessage plain = result(harness.imagine(guild.alice, guild.ageRestricted, "prompt", "a fox", "model", "mini-sd15",
                "steps", 2, "seed", 9));
        long plainJob = harness.jobIdOf(plain);
        FakeMessage upscaled = result(harness.discord.clickButton(guild.alice, plain, "job:" + plainJob + ":upscale"));
        JobView upscaleJob = harness.jobs().find(harness.jobIdOf(upscaled)).orElseThrow();
        GenerationRequest r = upscaleJob.request();
        assertThat(r.hires()).isEqualTo(HiresFix.upscaleButton());
        assertThat(r.hires().steps(r.steps())).as("A1111 runs all hires steps, whatever the strength").isEqualTo(2);
        assertThat(upscaleJob.inputs().hasInit()).as("a hires fix of the same request, no init image").isFalse();
        assertThat(r.seed()).isEqualTo(9L);
        assertThat(ImageCodec.decode(upscaled.files().get(0).bytes()).width()).isEqualTo(128);
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

    @Test
    void imagineWithAControlNetPostsTheResultWithItsInfotextAndTheControlImage() throws Exception {
        FakeGuild guild = harness.discord.guild();
        FakeInteraction typing = harness.discord.autocomplete(guild.alice, guild.ageRestricted, "imagine",
                FakeDiscord.options("prompt", "x", "control", "mini"), "control");
        await().atMost(Duration.ofSeconds(10)).until(typing::acknowledged);
        RecordedCall callback = harness.discord.calls("POST", "interactions/" + typing.id() + "/.*").get(0);
        assertThat(callback.payload().path("data").path("choices").findValuesAsText("value")).containsExactly("mini-cn");

        FakeMessage result = result(harness.imagine(guild.alice, guild.ageRestricted, "prompt", "a fox",
                "model", "mini-sd15", "steps", 1, "seed", 3, "control", "mini-cn", "control_image", circle(),
                "preprocessor", "canny", "control_weight", 0.8, "control_end", 0.5, "control_mode", "controlnet"));
        long id = harness.jobIdOf(result);
        RecordedCall.UploadedFile png = result.files().stream()
                .filter(f -> f.filename().equals("sdbot-" + id + "-0.png")).findFirst().orElseThrow();
        assertThat(PngText.read(png.bytes()).get(GenerationParameters.PNG_KEY))
                .contains("ControlNet 0: \"Module: canny, Model: mini-cn [")
                .contains("Weight: 0.8, Resize Mode: Just Resize, Low Vram: False, Processor Res: 512, "
                        + "Threshold A: 100, Threshold B: 200, Guidance Start: 0, Guidance End: 0.5, Pixel Perfect: "
                        + "False, Control Mode: ControlNet is more important\"");
        assertThat(result.embeds().get(0).path("fields").findValuesAsText("value"))
                .contains("mini-cn (canny, weight 0.8, 0.0–0.5, ControlNet is more important)");
        // shown in the clear here (the channel allows what the checker flags): the control image's thumbnail beside it
        assertThat(result.files()).anySatisfy(f -> assertThat(f.filename()).isEqualTo("sdbot-" + id + "-control.png"));
        assertThat(result.embeds().get(0).path("thumbnail").path("url").asText()).endsWith("sdbot-" + id + "-control.png");
        assertThat(harness.jobs().find(id).orElseThrow().request().controls()).singleElement()
                .satisfies(u -> assertThat(u.model()).isEqualTo("mini-cn"));
    }

    private static FakeDiscord.HostedFile circle() {
        int w = 64;
        byte[] rgb = new byte[w * w * 3];
        for (int y = 0; y < w; y++) {
            for (int x = 0; x < w; x++) {
                boolean inside = (x - 32) * (x - 32) + (y - 32) * (y - 32) < 18 * 18;
                Arrays.fill(rgb, (y * w + x) * 3, (y * w + x) * 3 + 3, inside ? (byte) 230 : (byte) 20);
            }
        }
        return harness.discord.hostAttachment("circle.png", "image/png", ImageCodec.encodePng(new RgbImage(w, w, rgb)));
    }

    /**
     * Clip skip and the other options a member leaves out: the model's own defaults (its NAME.yaml) first, then the
     * server's ({@code /admin settings clip_skip}), then A1111's 1; an option given wins. The member is told which of
     * the model's defaults applied; a model whose defaults are out of range is refused before queueing.
     */
    @Test
    void modelThenServerDefaultsFillWhatTheMemberLeftOut() throws Exception {
        FakeGuild guild = harness.discord.guild();
        FakeInteraction anime = harness.imagine(guild.alice, guild.ageRestricted, "prompt", "a fox", "model", "anime",
                "seed", 4);
        await().atMost(GENERATION).until(() -> harness.discord.original(anime)
                .filter(m -> !m.files().isEmpty()).isPresent());
        GenerationRequest r = harness.jobs().find(harness.jobIdOf(harness.discord.original(anime).orElseThrow()))
                .orElseThrow().request();
        assertThat(r.clipSkip()).isEqualTo(2);
        assertThat(r.steps()).isEqualTo(1);
        assertThat(harness.awaitEphemeral(anime))
                .isEqualTo("ℹ️ `anime` has its own defaults for the options you leave out: 1 step, clip skip 2.");

        assertThat(harness.awaitEphemeral(harness.discord.slashCommand(guild.admin, guild.general, "admin settings",
                FakeDiscord.options("clip_skip", 2)))).startsWith("✅");
        try {
            assertThat(queuedClipSkip(guild, "model", "mini-sd15")).as("the server's").isEqualTo(2);
            assertThat(queuedClipSkip(guild, "model", "mini-sd15", "clip_skip", 1)).as("the member's").isEqualTo(1);
        } finally {
            harness.awaitEphemeral(harness.discord.slashCommand(guild.admin, guild.general, "admin settings",
                    FakeDiscord.options("clip_skip", 1)));
        }

        long before = harness.jobCount();
        FakeInteraction broken = harness.imagine(guild.alice, guild.ageRestricted, "prompt", "a fox", "model", "broken");
        assertThat(harness.awaitEphemeral(broken)).startsWith("⚠️ Model `broken` is unavailable until an operator fixes"
                + " its defaults: model defaults ").contains("broken.yaml: steps must be a whole number between 1 and 150, got 0");
        assertThat(harness.jobCount()).isEqualTo(before);
    }

    private int queuedClipSkip(FakeGuild guild, Object... options) {
        Object[] all = new Object[options.length + 6];
        System.arraycopy(new Object[] {"prompt", "a fox", "steps", 1, "seed", 5}, 0, all, 0, 6);
        System.arraycopy(options, 0, all, 6, options.length);
        FakeMessage posted = result(harness.imagine(guild.alice, guild.ageRestricted, all));
        return harness.jobs().find(harness.jobIdOf(posted)).orElseThrow().request().clipSkip();
    }

    /**
     * The shared prompt of issue 15 in one /imagine: an embedding in the negative prompt (its name written as in A1111),
     * prompt editing, clip skip 2 and hires; the infotext is A1111's, field for field, ending with {@code TI hashes}.
     */
    @Test
    void aSharedPromptWithAnEmbeddingInTheNegativeEditingClipSkipAndHires() throws Exception {
        FakeGuild guild = harness.discord.guild();
        FakeMessage shared = result(harness.imagine(guild.alice, guild.ageRestricted, "prompt", "a [cat:dog:0.5] in the snow",
                "negative", "onered, blurry", "model", "mini-sd15", "steps", 2, "seed", 9, "clip_skip", 2, "hires", "2",
                "sampler", "euler_a"));
        byte[] png = shared.files().get(0).bytes();
        String hash = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(models.resolve("embeddings/onered.pt")))).substring(0, 12);
        assertThat(dev.sdbot.inference.image.PngText.read(png).get(GenerationParameters.PNG_KEY)).isEqualTo("""
                a [cat:dog:0.5] in the snow
                Negative prompt: onered, blurry
                Steps: 2, Sampler: Euler a, CFG scale: 7, Seed: 9, Size: 64x64, Model: mini-sd15, \
                Denoising strength: 0.5, Clip skip: 2, RNG: CPU, Hires upscale: 2, Hires upscaler: Latent, \
                TI hashes: "onered: %s\"""".formatted(hash));
        assertThat(ImageCodec.decode(png).width()).isEqualTo(128);
    }

    /**
     * Zoom out and Pan: the canvas grows (pans by half a side rounded up to 64, zoom 2x doubles it), the result's own
     * pixels come back exactly where the source sits, and the new area is filled by the model itself (masked
     * img2img) while no inpainting model of its family is live, by the inpainting model once the worker announces
     * both as SD 1.x, unless the server does not allow it.
     */
    @Test
    void zoomOutAndPanExtendTheCanvasAndKeepTheResultsPixels() throws Exception {
        FakeGuild guild = harness.discord.guild();
        FakeMessage source = result(harness.imagine(guild.alice, guild.ageRestricted, "prompt", "a fox", "model",
                "mini-sd15", "steps", 2, "seed", 5));
        long sourceJob = harness.jobIdOf(source);
        RgbImage original = ImageCodec.decode(source.files().get(0).bytes());
        record Expected(String action, int width, int height, int x, int y) {
        }
        for (Expected e : List.of(new Expected("panleft", 128, 64, 64, 0), new Expected("panright", 128, 64, 0, 0),
                new Expected("panup", 64, 128, 0, 64), new Expected("pandown", 64, 128, 0, 0))) {
            FakeMessage panned = result(harness.discord.clickButton(guild.alice, source, "job:" + sourceJob + ":" + e.action()));
            JobView job = harness.jobs().find(harness.jobIdOf(panned)).orElseThrow();
            GenerationRequest r = job.request();
            assertThat(r.model()).as("no family announced: masked img2img with the model itself").isEqualTo("mini-sd15");
            assertThat(job.inputs().hasInit() && job.inputs().hasMask()).as("an init image and a mask").isTrue();
            assertThat(r.seed()).isEqualTo(5L);
            assertKeeps(ImageCodec.decode(panned.files().get(0).bytes()), original, e.width(), e.height(), e.x(), e.y());
        }

        GuildSettingsStore settings = new GuildSettingsStore(harness.db.sessionFactory());
        harness.db.update("UPDATE workers SET model_families = '{\"mini-sd15\": \"sd1\", \"mini-sd15-inpainting\": \"sd1\"}'");
        try {
            FakeMessage zoomed = result(harness.discord.clickButton(guild.alice, source, "job:" + sourceJob + ":zoom2"));
            GenerationRequest r = harness.jobs().find(harness.jobIdOf(zoomed)).orElseThrow().request();
            assertThat(r.model()).isEqualTo("mini-sd15-inpainting");
            assertThat(GenerationParameters.fromPng(zoomed.files().get(0).bytes()).model()).isEqualTo("mini-sd15-inpainting");
            assertKeeps(ImageCodec.decode(zoomed.files().get(0).bytes()), original, 128, 128, 32, 32);

            // an inpainting model the server does not allow is passed over
            settings.update(guild.id, Instant.now(), s -> s.setAllowedModels(List.of("mini-sd15"), Instant.now()));
            FakeMessage allowedOnly = result(harness.discord.clickButton(guild.alice, source, "job:" + sourceJob + ":zoom15"));
            assertThat(harness.jobs().find(harness.jobIdOf(allowedOnly)).orElseThrow().request().model()).isEqualTo("mini-sd15");
            assertKeeps(ImageCodec.decode(allowedOnly.files().get(0).bytes()), original, 128, 128, 32, 32);
        } finally {
            harness.db.update("UPDATE workers SET model_families = '{}'");
            settings.update(guild.id, Instant.now(), s -> s.setAllowedModels(null, Instant.now()));
        }
    }

    /** The outpainted image has the canvas's size and the source's pixels, bit for bit, at (x, y); the rest is generated. */
    private static void assertKeeps(RgbImage out, RgbImage source, int width, int height, int x, int y) {
        assertThat(out.width()).isEqualTo(width);
        assertThat(out.height()).isEqualTo(height);
        assertThat(out.crop(x, y, source.width(), source.height()).pixels()).isEqualTo(source.pixels());
        int generated = 0;
        for (int py = 0; py < height; py++) {
            for (int px = 0; px < width; px++) {
                boolean outside = px < x || py < y || px >= x + source.width() || py >= y + source.height();
                int nearestX = Math.min(Math.max(px - x, 0), source.width() - 1);
                int nearestY = Math.min(Math.max(py - y, 0), source.height() - 1);
                if (outside && out.sample(px, py, 0) != source.sample(nearestX, nearestY, 0)) {
                    generated++;
                }
            }
        }
        assertThat(generated).as("new pixels that are not the stretched source edge").isPositive();
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
        public Set<String> availableControlNets() {
            return engine.availableControlNets();
        }

        @Override
        public Map<String, ModelPreset> modelPresets() {
            return engine.modelPresets();
        }

        @Override
        public Set<String> availableEmbeddings() {
            return engine.availableEmbeddings();
        }

        @Override
        public Set<String> inpaintingModels() {
            return engine.inpaintingModels();
        }
    }
}
