package dev.sdbot.bot.e2e;

import dev.sdbot.testkit.fake.FakeDiscord;
import dev.sdbot.testkit.fake.FakeInteraction;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.Sampler;
import dev.sdbot.scheduler.JobOrigin;
import dev.sdbot.scheduler.JobState;
import dev.sdbot.scheduler.JobSubmission;
import dev.sdbot.scheduler.worker.TestPatternGenerator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The bot's meters through the real JDA client and the fake Discord: acknowledgement latency of /imagine, images by
 * verdict and by the policy's action, and posting retries. The worker's stand-in checker flags prompts with "nsfw".
 */
@EndToEndTest.Harness(stepDelayMillis = 50, workerSlots = 2)
class BotMetricsEndToEndTest extends EndToEndTest {

    @BeforeEach
    void blurPolicy() {
        db.update("DELETE FROM channel_nsfw_policies");
        assertThat(harness.awaitEphemeral(harness.discord.slashCommand(guild.moderator, guild.general, "mod nsfw set",
                FakeDiscord.options("policy", "blur")))).startsWith("✅");
    }

    @Test
    void imagineIsAcknowledgedAndItsImagesAreCountedByVerdictAndPolicyAction() {
        Map<String, Double> verdictsBefore = Map.of("clean", checked("clean"), "flagged", checked("flagged"),
                "unchecked", checked("unchecked"));
        double blurredBefore = policy("blur");
        long acksBefore = acks("/imagine", "ok").count();

        FakeInteraction clean = harness.imagine(guild.alice, guild.general, "prompt", "a clean lighthouse", "steps", 3);
        FakeInteraction flagged = harness.imagine(guild.bob, guild.general, "prompt", "an nsfw lighthouse", "steps", 3);
        for (FakeInteraction interaction : List.of(clean, flagged)) {
            long jobId = harness.jobIdOf(harness.awaitResult(interaction));
            await().atMost(Duration.ofSeconds(10)).until(() -> harness.state(jobId) == JobState.POSTED);
        }

        Timer acked = acks("/imagine", "ok");
        assertThat(acked.count() - acksBefore).isEqualTo(2);
        assertThat(acked.max(TimeUnit.MILLISECONDS)).as("acknowledged well inside Discord's 3 s").isPositive().isLessThan(3000);
        assertThat(checked("clean") - verdictsBefore.get("clean")).isEqualTo(1);
        assertThat(checked("flagged") - verdictsBefore.get("flagged")).isEqualTo(1);
        assertThat(checked("unchecked") - verdictsBefore.get("unchecked")).isZero();
        assertThat(policy("blur") - blurredBefore).as("the flagged image, blurred; the clean one needed no action")
                .isEqualTo(1);
        assertThat(policy("block") + policy("spoiler") + policy("allow")).isZero();
        assertThat(harness.meters.scrape()).as("as Prometheus reads them")
                .containsPattern("sdbot_discord_ack_latency_seconds_count\\{interaction=\"/imagine\",outcome=\"ok\"} [1-9]")
                .contains("sdbot_discord_ack_latency_seconds_bucket{interaction=\"/imagine\",outcome=\"ok\",le=\"3.0\"}")
                .containsPattern("sdbot_images_checked_total\\{verdict=\"flagged\"} [1-9]")
                .containsPattern("sdbot_images_policy_total\\{action=\"blur\"} [1-9]")
                .contains("sdbot_posting_retries_total");
    }

    @Test
    void anAcknowledgementDiscordRefusesAsTooLateCountsAsFailed() {
        long failedBefore = acks("/imagine", "failed").count();
        harness.discord.ackDeadline(Duration.ZERO);
        try {
            FakeInteraction late = harness.imagine(guild.alice, guild.general, "prompt", "acknowledged too late");
            await().atMost(Duration.ofSeconds(5)).until(late::calledBack);
            await().atMost(Duration.ofSeconds(5)).until(() -> acks("/imagine", "failed").count() == failedBefore + 1);
        } finally {
            harness.discord.ackDeadline(Duration.ofSeconds(3));
        }
    }

    @Test
    void aPostDiscordRejectsOnceIsRetriedAndCounted() throws Exception {
        double retriesBefore = harness.meters.get("sdbot.posting.retries").counter().count();
        String posts = "channels/" + guild.general.id() + "/messages";
        harness.discord.failNext("POST", posts, 400, 50035, 1);
        // a job whose interaction token already expired: its result is a channel message
        GenerationRequest request = new GenerationRequest("posted on the second try", "", TestPatternGenerator.MODEL,
                Sampler.EULER_A, 2, 7.0, 64, 64, null, 1, null, 0.75, null, 1);
        JobOrigin origin = new JobOrigin(guild.id, guild.general.id(), guild.alice.userId(), 1L, "expired-token",
                harness.clock.instant().minusSeconds(60));
        long jobId = harness.jobs().submit(new JobSubmission(request, origin, List.of(), 0));

        await().atMost(Duration.ofSeconds(30)).until(() -> harness.state(jobId) == JobState.POSTED);
        assertThat(harness.meters.get("sdbot.posting.retries").counter().count() - retriesBefore).isEqualTo(1);
    }

    private static Timer acks(String interaction, String outcome) {
        Timer timer = harness.meters.find("sdbot.discord.ack.latency").tags("interaction", interaction, "outcome", outcome).timer();
        return timer != null ? timer : Timer.builder("none").register(new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    }

    private static double checked(String verdict) {
        Counter counter = harness.meters.get("sdbot.images.checked").tag("verdict", verdict).counter();
        return counter.count();
    }

    private static double policy(String action) {
        return harness.meters.get("sdbot.images.policy").tag("action", action).counter().count();
    }
}
