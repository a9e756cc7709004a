package dev.sdbot.bot.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sdbot.bot.discord.PngImages;
import dev.sdbot.testkit.fake.FakeInteraction;
import dev.sdbot.testkit.fake.FakeMessage;
import dev.sdbot.testkit.fake.RecordedCall;
import dev.sdbot.db.entity.QuotaScope;
import dev.sdbot.db.store.ChannelNsfwPolicyStore;
import dev.sdbot.db.store.GenerationDefaultsStore;
import dev.sdbot.db.store.GuildSettingsStore;
import dev.sdbot.db.store.QuotaRuleStore;
import dev.sdbot.scheduler.JobState;
import dev.sdbot.scheduler.JobView;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** /imagine and the result buttons through the real JDA client, the fake Discord, PostgreSQL, Quartz and a worker. */
@EndToEndTest.Harness(stepDelayMillis = 400, workerSlots = 2)
class ImagineEndToEndTest extends EndToEndTest {
    @Test
    void imagineIsDeferredShowsProgressAndPostsThePngWithEmbedAndButtons() throws Exception {
        FakeInteraction imagine = harness.imagine(guild.alice, guild.general, "prompt", "a lighthouse at dusk",
                "steps", 8, "cfg", 6.5, "sampler", "ddim", "seed", 1234);

        await().atMost(Duration.ofSeconds(3)).until(imagine::acknowledged);
        assertThat(imagine.ackType()).as("deferred reply").isEqualTo(5);
        assertThat(imagine.ackMillis()).isLessThan(3000);

        FakeMessage result = harness.awaitResult(imagine);
        long jobId = harness.jobIdOf(result);
        assertThat(result.buttonIds()).containsExactly("job:" + jobId + ":reroll", "job:" + jobId + ":variations",
                "job:" + jobId + ":upscale", "job:" + jobId + ":delete", "job:" + jobId + ":zoom2",
                "job:" + jobId + ":zoom15", "job:" + jobId + ":panleft", "job:" + jobId + ":panright",
                "job:" + jobId + ":panup", "job:" + jobId + ":pandown");
        assertThat(result.files()).hasSize(1);
        byte[] png = result.files().get(0).bytes();
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image.getWidth()).isEqualTo(64);
        assertThat(PngImages.text(png, "parameters")).get().asString().contains("a lighthouse at dusk").contains("Seed: 1234");
        JsonNode embed = result.embeds().get(0);
        assertThat(embed.path("description").asText()).isEqualTo("a lighthouse at dusk");
        assertThat(fields(embed)).contains("Seed=1234", "Sampler=DDIM", "Steps=8", "CFG=6.5", "Model=test-pattern", "Size=64x64");

        List<RecordedCall> edits = harness.discord.calls("PATCH", "webhooks/\\d+/" + imagine.token() + "/messages/@original");
        List<String> progressTexts = edits.stream().map(c -> c.payload().path("content").asText()).toList();
        assertThat(progressTexts).anyMatch(t -> t.startsWith("⏳ Queued — position") || t.startsWith("⚙️ Starting"));
        assertThat(progressTexts).anyMatch(t -> t.matches("🎨 Generating — \\d+% · ETA \\d+ s · job " + jobId));
        assertThat(edits).anyMatch(c -> c.files().stream().anyMatch(f -> f.filename().equals("preview.png")));
        List<RecordedCall> progressEdits = edits.subList(1, edits.size() - 1);
        for (int i = 1; i < progressEdits.size(); i++) {
            assertThat(progressEdits.get(i).atNanos() - progressEdits.get(i - 1).atNanos())
                    .as("progress edits are throttled").isGreaterThan(BotHarness.PROGRESS_INTERVAL.toNanos() / 2);
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> harness.state(jobId) == JobState.POSTED);
        JobView job = harness.jobs().find(jobId).orElseThrow();
        assertThat(job.postedMessageId()).isEqualTo(result.id());
        assertThat(harness.discord.visibleMessages(guild.general).stream().filter(m -> m.id() == result.id())).hasSize(1);
    }

    @Test
    void countFourPostsFourAttachments() {
        FakeInteraction imagine = harness.imagine(guild.bob, guild.general, "prompt", "four cats", "count", 4, "steps", 2);
        FakeMessage result = harness.awaitResult(imagine);
        assertThat(result.files()).hasSize(4);
        assertThat(fields(result.embeds().get(0))).anyMatch(f -> f.startsWith("Seed=") && f.split(",").length == 4);
    }

    @Test
    void rerollVariationsAndUpscaleQueueDerivedJobsAndDeleteRemovesTheMessage() {
        FakeMessage original = harness.awaitResult(harness.imagine(guild.alice, guild.general, "prompt", "a red fox", "seed", 77));
        long originalJob = harness.jobIdOf(original);

        FakeMessage reroll = harness.awaitResult(harness.discord.clickButton(guild.alice, original, "job:" + originalJob + ":reroll"));
        JobView rerolled = harness.jobs().find(harness.jobIdOf(reroll)).orElseThrow();
        assertThat(rerolled.request().prompt()).isEqualTo("a red fox");
        assertThat(rerolled.request().seed()).isNotEqualTo(77L);
        assertThat(rerolled.inputs().hasInit()).isFalse();

        FakeMessage variation = harness.awaitResult(harness.discord.clickButton(guild.alice, original, "job:" + originalJob + ":variations"));
        JobView varied = harness.jobs().find(harness.jobIdOf(variation)).orElseThrow();
        // A1111's variation seeds: the same request and seed, a random variation seed at variations.strength
        assertThat(varied.inputs().hasInit()).isFalse();
        assertThat(varied.request().prompt()).isEqualTo("a red fox");
        assertThat(varied.request().seed()).isEqualTo(77L);
        assertThat(varied.request().variationStrength()).isEqualTo(0.3);
        long variationSeed = varied.request().variationSeed();
        assertThat(variation.files()).isNotEmpty();
        java.util.Set<String> variationSeeds = new java.util.HashSet<>();
        for (int i = 0; i < variation.files().size(); i++) {
            String infotext = new String(variation.files().get(i).bytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
            assertThat(infotext).contains("Seed: 77,", "Variation seed: " + (variationSeed + i) + ",",
                    "Variation seed strength: 0.3");
            variationSeeds.add(Long.toString(variationSeed + i));
        }
        assertThat(variationSeeds).hasSize(variation.files().size());
        long second = harness.jobs().find(harness.jobIdOf(harness.awaitResult(harness.discord.clickButton(guild.alice,
                original, "job:" + originalJob + ":variations")))).orElseThrow().request().variationSeed();
        assertThat(second).as("a fresh variation seed per press").isNotEqualTo(variationSeed);

        FakeInteraction upscalePress = harness.discord.clickButton(guild.moderator, original, "job:" + originalJob + ":upscale");
        FakeMessage upscale = harness.awaitResult(upscalePress);
        JobView upscaled = harness.jobs().find(harness.jobIdOf(upscale)).orElseThrow();
        // no ESRGAN upscaler on the worker: the fallback, said as such to the presser
        assertThat(harness.awaitEphemeral(upscalePress)).startsWith("ℹ️ No ESRGAN upscaler is installed");
        // a txt2img result is upscaled by a hires fix of the same request and seed
        assertThat(upscaled.request().outputWidth()).isEqualTo(128);
        assertThat(upscaled.inputs().hasInit()).isFalse();
        assertThat(upscaled.request().seed()).isEqualTo(77L);
        assertThat(upscaled.request().hires().strength()).isEqualTo(0.4);
        assertThat(fields(upscale.embeds().get(0))).contains("Size=128x128");

        FakeInteraction delete = harness.discord.clickButton(guild.alice, original, "job:" + originalJob + ":delete");
        assertThat(harness.awaitEphemeral(delete)).contains("Deleted");
        assertThat(harness.discord.message(original.id()).deleted()).isTrue();
    }

    @Test
    void zoomOutOrPanPastTheGuildsPixelLimitIsRefusedAndQueuesNothing() {
        FakeMessage original = harness.awaitResult(harness.imagine(guild.alice, guild.general, "prompt", "a tiny robot"));
        long jobId = harness.jobIdOf(original);
        GenerationDefaultsStore defaults = new GenerationDefaultsStore(db.dataSource());
        defaults.put(new GenerationDefaultsStore.GenerationDefaults(guild.id, 0, null, null, null, null, null, null, null,
                64L * 64), Instant.now());
        try {
            long jobsBefore = harness.jobCount();
            Map<String, String> refusals = Map.of("panleft", "Can't pan left: 128x64", "panright", "Can't pan right: 128x64",
                    "panup", "Can't pan up: 64x128", "pandown", "Can't pan down: 64x128",
                    "zoom2", "Can't zoom out 2×: 128x128", "zoom15", "Can't zoom out 1.5×: 128x128");
            refusals.forEach((action, refusal) -> {
                FakeInteraction press = harness.discord.clickButton(guild.alice, original, "job:" + jobId + ":" + action);
                assertThat(harness.awaitEphemeral(press)).as(action).startsWith("⚠️ " + refusal)
                        .contains("is over this server's limit of 4096 pixels");
                assertThat(press.ackType()).isEqualTo(4);
            });
            assertThat(harness.jobCount()).isEqualTo(jobsBefore);
        } finally {
            defaults.put(GenerationDefaultsStore.GenerationDefaults.none(guild.id, 0), Instant.now());
        }
    }

    @Test
    void aMemberWhoDidNotAskIsRefusedAndNothingIsQueued() {
        FakeMessage original = harness.awaitResult(harness.imagine(guild.alice, guild.general, "prompt", "a blue whale"));
        long jobId = harness.jobIdOf(original);
        long jobsBefore = harness.jobCount();

        for (String action : List.of("reroll", "variations", "upscale", "delete", "zoom2", "zoom15", "panleft",
                "panright", "panup", "pandown")) {
            FakeInteraction press = harness.discord.clickButton(guild.bob, original, "job:" + jobId + ":" + action);
            assertThat(harness.awaitEphemeral(press)).as(action).contains("Not yours");
        }
        await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                .until(() -> harness.discord.visibleMessages(guild.general).stream().allMatch(m -> !m.loading()));
        assertThat(harness.jobCount()).isEqualTo(jobsBefore);
        assertThat(harness.discord.message(original.id()).deleted()).isFalse();
    }

    @Test
    void flaggedResultIsNeverPostedInAnOrdinaryChannelButIsASpoilerInAnAgeRestrictedOneWithThatPolicy() {
        FakeInteraction ordinary = harness.imagine(guild.alice, guild.general, "prompt", "nsfw statue");
        String notice = harness.awaitEphemeral(ordinary);
        long blockedJob = Long.parseLong(notice.replaceAll(".*job (\\d+).*", "$1"));
        assertThat(notice).contains("safety checker");
        assertThat(harness.state(blockedJob)).isEqualTo(JobState.BLOCKED);
        await().atMost(Duration.ofSeconds(5)).until(() -> harness.discord.original(ordinary).orElseThrow().deleted());
        assertThat(harness.discord.visibleMessages(guild.general)).noneMatch(m -> m.buttonIds().contains("job:" + blockedJob + ":reroll"));

        ChannelNsfwPolicyStore overrides = new ChannelNsfwPolicyStore(db.dataSource());
        overrides.put(guild.id, guild.ageRestricted.id(), "SPOILER", guild.moderator.userId(), Instant.now());
        try {
            FakeMessage spoiler = harness.awaitResult(harness.imagine(guild.alice, guild.ageRestricted, "prompt", "nsfw statue"));
            assertThat(spoiler.files().get(0).filename()).startsWith("SPOILER_");
        } finally {
            overrides.clear(guild.id, guild.ageRestricted.id());
        }
    }

    @Test
    void channelDefaultsOverrideGuildDefaultsWhichOverrideTheBots() {
        GenerationDefaultsStore defaults = new GenerationDefaultsStore(db.dataSource());
        defaults.put(new GenerationDefaultsStore.GenerationDefaults(guild.id, 0, null, "lms", 3, 5.0, 96, 64,
                "blurry", null), Instant.now());
        defaults.put(new GenerationDefaultsStore.GenerationDefaults(guild.id, guild.ageRestricted.id(), null, null, 2, null,
                64, 128, null, null), Instant.now());
        try {
            JobView inGeneral = job(harness.awaitResult(harness.imagine(guild.alice, guild.general, "prompt", "defaults")));
            assertThat(List.of(inGeneral.request().sampler().id(), inGeneral.request().steps(), inGeneral.request().cfgScale(),
                    inGeneral.request().width(), inGeneral.request().height(), inGeneral.request().negativePrompt()))
                    .containsExactly("lms", 3, 5.0, 96, 64, "blurry");
            JobView inChannel = job(harness.awaitResult(harness.imagine(guild.alice, guild.ageRestricted, "prompt", "defaults",
                    "cfg", 9.0)));
            assertThat(List.of(inChannel.request().sampler().id(), inChannel.request().steps(), inChannel.request().cfgScale(),
                    inChannel.request().width(), inChannel.request().height()))
                    .containsExactly("lms", 2, 9.0, 64, 128);
        } finally {
            defaults.put(GenerationDefaultsStore.GenerationDefaults.none(guild.id, 0), Instant.now());
            defaults.put(GenerationDefaultsStore.GenerationDefaults.none(guild.id, guild.ageRestricted.id()), Instant.now());
        }
    }

    private static JobView job(FakeMessage result) {
        return harness.jobs().find(harness.jobIdOf(result)).orElseThrow();
    }

    private static List<String> fields(JsonNode embed) {
        return StreamSupport.stream(embed.path("fields").spliterator(), false)
                .map(f -> f.path("name").asText() + "=" + f.path("value").asText()).toList();
    }

    @Test
    void upscaleOverTheGuildsPixelLimitIsRefusedAndQueuesNothing() {
        FakeMessage original = harness.awaitResult(harness.imagine(guild.alice, guild.general, "prompt", "a tiny robot"));
        long jobId = harness.jobIdOf(original);
        GenerationDefaultsStore defaults = new GenerationDefaultsStore(db.dataSource());
        defaults.put(new GenerationDefaultsStore.GenerationDefaults(guild.id, 0, null, null, null, null, null, null, null,
                2L * 64 * 64), Instant.now());
        try {
            long jobsBefore = harness.jobCount();
            FakeInteraction press = harness.discord.clickButton(guild.alice, original, "job:" + jobId + ":upscale");
            assertThat(harness.awaitEphemeral(press)).contains("Can't upscale")
                    .contains("128x128 (after the hires fix) is over this server's limit of 8192 pixels");
            assertThat(press.ackType()).isEqualTo(4);
            assertThat(harness.jobCount()).isEqualTo(jobsBefore);
        } finally {
            defaults.put(GenerationDefaultsStore.GenerationDefaults.none(guild.id, 0), Instant.now());
        }
    }

    @Test
    void rerollAndVariationsRespectTheGuildsMaxStepsAndMaxImages() {
        FakeMessage original = harness.awaitResult(harness.imagine(guild.alice, guild.general, "prompt", "two owls",
                "count", 2, "steps", 4));
        long jobId = harness.jobIdOf(original);
        GuildSettingsStore settings = new GuildSettingsStore(db.sessionFactory());
        long jobsBefore = harness.jobCount();
        try {
            settings.update(guild.id, Instant.now(), s -> s.setLimits(3, null, Instant.now()));
            FakeInteraction reroll = harness.discord.clickButton(guild.alice, original, "job:" + jobId + ":reroll");
            assertThat(harness.awaitEphemeral(reroll)).contains("4 steps is over this server's limit of 3 steps");

            settings.update(guild.id, Instant.now(), s -> s.setLimits(null, 1, Instant.now()));
            FakeInteraction variations = harness.discord.clickButton(guild.alice, original, "job:" + jobId + ":variations");
            assertThat(harness.awaitEphemeral(variations)).contains("2 images is over this server's limit of 1 image");
            assertThat(harness.jobCount()).isEqualTo(jobsBefore);
        } finally {
            settings.update(guild.id, Instant.now(), s -> s.setLimits(null, null, Instant.now()));
        }
    }

    @Test
    void aRerollOverTheMembersQuotaIsRefusedWithoutAPublicPlaceholder() {
        FakeMessage original = harness.awaitResult(harness.imagine(guild.alice, guild.general, "prompt", "a quiet harbour"));
        long jobId = harness.jobIdOf(original);
        QuotaRuleStore quotas = new QuotaRuleStore(db.sessionFactory());
        quotas.put(guild.id, QuotaScope.USER, guild.alice.userId(), 0, null, Instant.now());
        try {
            long jobsBefore = harness.jobCount();
            FakeInteraction reroll = harness.discord.clickButton(guild.alice, original, "job:" + jobId + ":reroll");
            assertThat(harness.awaitEphemeral(reroll)).contains("Daily image quota exceeded").containsPattern("resets <t:\\d+:R>");
            assertThat(reroll.ackType()).isEqualTo(4);
            assertThat(harness.jobCount()).isEqualTo(jobsBefore);
        } finally {
            quotas.remove(guild.id, QuotaScope.USER, guild.alice.userId());
        }
    }

    @Test
    void shortlyBeforeTheTokenRunsOutTheMessageSaysWhereTheResultWillGo() {
        FakeInteraction imagine = harness.imagine(guild.bob, guild.general, "prompt", "a very slow sunrise", "steps", 12);
        await().atMost(Duration.ofSeconds(10)).until(() ->
                db.queryLong("SELECT count(*) FROM jobs WHERE prompt = 'a very slow sunrise' AND state = 'RUNNING'") == 1);
        db.update("UPDATE jobs SET token_expires_at = now() + interval '60 seconds' WHERE prompt = 'a very slow sunrise'");

        String edits = "webhooks/\\d+/" + imagine.token() + "/messages/@original";
        await().atMost(Duration.ofSeconds(5)).until(() -> harness.discord.calls("PATCH", edits).stream()
                .anyMatch(c -> c.payload().path("content").asText().contains("the result will be posted in this channel")));
        FakeMessage result = harness.awaitResult(imagine);
        List<String> contents = harness.discord.calls("PATCH", edits).stream().map(c -> c.payload().path("content").asText()).toList();
        int handover = contents.indexOf(contents.stream().filter(t -> t.contains("posted in this channel")).findFirst().orElseThrow());
        assertThat(contents.subList(handover + 1, contents.size())).as("no progress edits after the hand-over")
                .noneMatch(t -> t.contains("Generating") || t.contains("Queued"));
        assertThat(contents.get(handover)).startsWith("🎨 Generating");
        assertThat(result.files()).hasSize(1);
    }
}
