package dev.sdbot.bot.e2e;

import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.inference.api.GeneratedImage;
import dev.sdbot.inference.api.GenerationException;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.GenerationResult;
import dev.sdbot.inference.api.ImageGenerator;
import dev.sdbot.inference.api.ProgressListener;
import dev.sdbot.inference.api.SafetyVerdict;
import dev.sdbot.scheduler.JobState;
import dev.sdbot.scheduler.worker.TestPatternGenerator;
import dev.sdbot.testkit.fake.FakeGuild;
import dev.sdbot.testkit.fake.FakeInteraction;
import dev.sdbot.testkit.fake.FakeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The quick start without a model: the worker's test pattern is safe by construction, so /imagine posts it (plainly,
 * on a server that posts no unchecked images) with a line saying it is a test pattern and how to add a model. A model
 * without a safety checker still fails closed on the same server and worker. Before, the pattern was "not posted".
 */
@ExtendWith(EmbeddedPostgresExtension.class)
class TestPatternPostingEndToEndTest {
    private static final String NO_CHECKER = "sd15-no-checker";

    /** The test pattern, and a model without a safety checker (the engine's UNCHECKED images) on the same worker. */
    private static final class PatternAndUncheckedModel implements ImageGenerator {
        private final TestPatternGenerator pattern = new TestPatternGenerator(Set.of(TestPatternGenerator.MODEL, NO_CHECKER),
                Duration.ZERO);

        @Override
        public GenerationResult generate(GenerationRequest request, ProgressListener listener) throws GenerationException {
            GenerationResult result = pattern.generate(request, listener);
            if (!request.model().equals(NO_CHECKER)) {
                return result;
            }
            return new GenerationResult(result.images().stream().map(i -> new GeneratedImage(i.png(), i.seed(),
                    SafetyVerdict.UNCHECKED, new float[0])).toList(), result.gpuMillis());
        }

        @Override
        public Set<String> availableModels() {
            return pattern.availableModels();
        }

        @Override
        public Set<String> loadedModels() {
            return pattern.loadedModels();
        }

        @Override
        public Set<String> uncheckedModels() {
            return Set.of(NO_CHECKER);
        }
    }

    @Test
    void theTestPatternIsPostedWithANoteAndAModelWithoutACheckerStillIsNot(TestDatabase db) throws Exception {
        try (BotHarness harness = new BotHarness(db, new PatternAndUncheckedModel(), 1)) {
            FakeGuild guild = harness.discord.guild();
            db.update("UPDATE guild_settings SET nsfw_policy = 'BLOCK', allow_unchecked = false");

            FakeInteraction pattern = harness.imagine(guild.alice, guild.general, "prompt", "a lighthouse", "steps", 2);
            FakeMessage result = harness.awaitResult(pattern);
            long jobId = harness.jobIdOf(result);
            assertThat(result.content()).contains("🧪 This is a test pattern, not a generated image", "./sdbot models pull")
                    .doesNotContain("🔞");
            assertThat(result.files()).singleElement().satisfies(f -> assertThat(f.filename())
                    .doesNotStartWith("SPOILER_").doesNotContain("pixelated"));
            await().atMost(Duration.ofSeconds(10)).until(() -> harness.state(jobId) == JobState.POSTED);
            assertThat(db.queryLong("SELECT count(*) FROM job_results WHERE job_id = ? AND safety = 'TEST_PATTERN'", jobId))
                    .isEqualTo(1);

            FakeInteraction unchecked = harness.imagine(guild.bob, guild.general, "prompt", "a lighthouse", "model", NO_CHECKER,
                    "steps", 2);
            String notice = harness.awaitEphemeral(unchecked);
            assertThat(notice).contains("was not posted", "no safety checker could check it");
            long blocked = Long.parseLong(notice.replaceAll("(?s).*job (\\d+).*", "$1"));
            await().atMost(Duration.ofSeconds(10)).until(() -> harness.state(blocked) == JobState.BLOCKED);
        }
    }
}
