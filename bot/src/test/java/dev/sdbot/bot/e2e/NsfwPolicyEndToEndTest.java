package dev.sdbot.bot.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sdbot.testkit.fake.FakeGuild;
import dev.sdbot.testkit.fake.FakeInteraction;
import dev.sdbot.testkit.fake.FakeMessage;
import dev.sdbot.testkit.fake.RecordedCall;
import dev.sdbot.db.store.GuildSettingsStore;
import dev.sdbot.db.store.MemberBlockStore;
import dev.sdbot.scheduler.JobOrigin;
import dev.sdbot.scheduler.JobState;
import dev.sdbot.scheduler.JobSubmission;
import dev.sdbot.scheduler.testing.JobSystem;
import dev.sdbot.scheduler.worker.TestPatternGenerator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The NSFW policy, previews and the mod log through the real JDA client and the fake Discord: the worker's
 * stand-in checker flags prompts with "nsfw" and has no checker for prompts with "unchecked".
 */
@EndToEndTest.Harness(stepDelayMillis = 400, workerSlots = 2)
class NsfwPolicyEndToEndTest extends EndToEndTest {
    private static NsfwChecks checks;
    private static byte[] originalPreview;

    @BeforeAll
    static void preview() throws Exception {
        checks = new NsfwChecks(harness);
        originalPreview = ReviewingGenerator.originalPreview(new TestPatternGenerator(Set.of(TestPatternGenerator.MODEL),
                Duration.ZERO));
        assertThat(NsfwChecks.distinctColours(originalPreview)).as("the preview is detailed")
                .isGreaterThan(NsfwChecks.MAX_RESULT_COLOURS);
    }

    @BeforeEach
    void serverDefaults() {
        db.update("DELETE FROM channel_nsfw_policies");
        db.update("DELETE FROM member_blocks");
        db.update("UPDATE guild_settings SET nsfw_policy = 'BLOCK', nsfw_threshold_shift = 0, previews_enabled = true,"
                + " allow_unchecked = false, mod_log_channel_id = NULL");
    }

    @ParameterizedTest
    @ValueSource(strings = {"block", "blur", "spoiler", "allow"})
    void inAnOrdinaryChannelFlaggedAndUncheckedImagesAreNeverShownClear(String policy) {
        assertThat(checks.staff(guild.moderator, "mod nsfw set", "policy", policy)).startsWith("✅");
        FakeInteraction flagged = harness.imagine(guild.alice, guild.general, "prompt", "nsfw statue", "steps", 6);
        FakeInteraction unchecked = harness.imagine(guild.bob, guild.general, "prompt", "unchecked statue", "steps", 6);

        for (FakeInteraction interaction : List.of(flagged, unchecked)) {
            long jobId;
            if (policy.equals("block") || policy.equals("allow")) { // allow acts as block outside age-restricted channels
                jobId = checks.awaitBlocked(interaction);
                assertThat(harness.state(jobId)).isEqualTo(JobState.BLOCKED);
                assertThat(db.queryLong("SELECT count(*) FROM moderation_events WHERE job_id = ? AND kind = 'nsfw_block'"
                        + " AND moderator_id IS NULL", jobId)).as("automatic block recorded").isEqualTo(1);
            } else { // spoiler is not enough outside age-restricted channels: blur
                FakeMessage result = harness.awaitResult(interaction);
                jobId = harness.jobIdOf(result);
                assertThat(result.files()).singleElement().satisfies(f ->
                        assertThat(f.filename()).startsWith("SPOILER_").endsWith("-pixelated.png"));
                assertThat(result.content()).contains("pixelated");
                assertThat(result.embeds().get(0).has("image")).isFalse();
                await().atMost(Duration.ofSeconds(10)).until(() -> harness.state(jobId) == JobState.POSTED);
            }
            assertThat(checks.previewsOf(interaction)).as("a preview was shown while it ran").isNotEmpty();
            checks.assertNeverShownClear(interaction, jobId, originalPreview);
        }
    }

    @Test
    void inAnAgeRestrictedChannelSpoilerHidesTheOriginalAndAllowPostsItOpenly() {
        assertThat(checks.staff(guild.moderator, "mod nsfw set", "policy", "spoiler", "channel", guild.ageRestricted))
                .contains("spoiler");
        for (String prompt : List.of("nsfw lily", "unchecked lily")) {
            FakeInteraction interaction = harness.imagine(guild.alice, guild.ageRestricted, "prompt", prompt, "steps", 6);
            FakeMessage result = harness.awaitResult(interaction);
            byte[] original = harness.jobs().results(harness.jobIdOf(result)).get(0).png();
            assertThat(result.files()).singleElement().satisfies(f -> {
                assertThat(f.filename()).startsWith("SPOILER_").doesNotContain("pixelated");
                assertThat(f.bytes()).isEqualTo(original);
            });
            List<RecordedCall> previewEdits = harness.discord.calls().stream().filter(c -> c.path().contains(interaction.token())
                    && c.files().stream().anyMatch(f -> f.filename().contains("preview"))).toList();
            assertThat(previewEdits).as("previews behind a spoiler").isNotEmpty().allSatisfy(c -> {
                assertThat(c.payload().path("attachments").get(0).path("is_spoiler").asBoolean()).isTrue();
                assertThat(c.files().get(0).bytes()).isEqualTo(originalPreview);
            });
        }

        assertThat(checks.staff(guild.moderator, "mod nsfw set", "policy", "allow", "channel", guild.ageRestricted))
                .contains("allow");
        for (String prompt : List.of("nsfw rose", "unchecked rose")) {
            FakeInteraction interaction = harness.imagine(guild.alice, guild.ageRestricted, "prompt", prompt, "steps", 6);
            FakeMessage result = harness.awaitResult(interaction);
            byte[] original = harness.jobs().results(harness.jobIdOf(result)).get(0).png();
            assertThat(result.files()).singleElement().satisfies(f -> {
                assertThat(f.filename()).doesNotStartWith("SPOILER_");
                assertThat(f.bytes()).isEqualTo(original);
            });
        }

    }

    @Test
    void cleanImagesArePostedAsTheyAreButTheirPreviewIsPixelatedInAnOrdinaryChannel() {
        FakeInteraction interaction = harness.imagine(guild.alice, guild.general, "prompt", "a tulip", "steps", 6);
        FakeMessage result = harness.awaitResult(interaction);
        assertThat(result.files().get(0).bytes()).isEqualTo(harness.jobs().results(harness.jobIdOf(result)).get(0).png());
        List<RecordedCall.UploadedFile> previews = checks.previewsOf(interaction);
        assertThat(previews).isNotEmpty().allSatisfy(p -> {
            assertThat(p.bytes()).isNotEqualTo(originalPreview);
            assertThat(NsfwChecks.distinctColours(p.bytes())).isLessThanOrEqualTo(NsfwChecks.MAX_PREVIEW_COLOURS);
        });
    }

    @Test
    void withPreviewsOffNoPreviewIsEverAttached() {
        new GuildSettingsStore(db.sessionFactory()).update(guild.id, Instant.now(), s -> s.setPreviewsEnabled(false, Instant.now()));
        FakeInteraction clean = harness.imagine(guild.alice, guild.general, "prompt", "a daisy", "steps", 6);
        FakeInteraction flagged = harness.imagine(guild.bob, guild.general, "prompt", "nsfw daisy", "steps", 6);
        FakeMessage result = harness.awaitResult(clean);
        checks.awaitBlocked(flagged);
        assertThat(harness.discord.calls("PATCH", ".*" + clean.token() + ".*")).as("progress edits happened").hasSizeGreaterThan(2);
        assertThat(checks.previewsOf(clean)).isEmpty();
        assertThat(checks.previewsOf(flagged)).isEmpty();
        assertThat(checks.uploadsOf(clean)).as("only the result").hasSize(1);
        assertThat(result.files()).hasSize(1);
    }

    @Test
    void aResultBlockedAfterTheTokenRanOutLeavesNoPreviewBehind() {
        FakeInteraction imagine = harness.imagine(guild.bob, guild.general, "prompt", "nsfw slow sunrise", "steps", 20);
        await().atMost(Duration.ofSeconds(20)).until(() -> !checks.previewsOf(imagine).isEmpty());
        db.update("UPDATE jobs SET token_expires_at = now() + interval '60 seconds' WHERE prompt = 'nsfw slow sunrise'");
        String edits = "webhooks/\\d+/" + imagine.token() + "/messages/@original";
        await().atMost(Duration.ofSeconds(5)).until(() -> harness.discord.calls("PATCH", edits).stream()
                .anyMatch(c -> c.payload().path("content").asText().contains("the result will be posted in this channel")));
        assertThat(harness.discord.original(imagine).orElseThrow().files()).as("the hand-over removed the preview").isEmpty();
        db.update("UPDATE jobs SET token_expires_at = now() - interval '1 second' WHERE prompt = 'nsfw slow sunrise'");

        long jobId = db.queryLong("SELECT id FROM jobs WHERE prompt = 'nsfw slow sunrise'");
        await().atMost(Duration.ofSeconds(30)).until(() -> harness.state(jobId) == JobState.BLOCKED);
        await().atMost(Duration.ofSeconds(10)).until(() -> harness.discord.visibleMessages(guild.general).stream()
                .anyMatch(m -> m.content().contains("job " + jobId + " was blocked by the NSFW policy")));
        FakeMessage progress = harness.discord.original(imagine).orElseThrow();
        assertThat(progress.deleted()).isFalse();
        assertThat(progress.files()).isEmpty();
        checks.assertNeverShownClear(imagine, jobId, originalPreview);
    }

    @Test
    void theThresholdShiftMakesTheCheckerMoreLenientOrStricter() {
        assertThat(checks.staff(guild.moderator, "mod nsfw set", "threshold", -0.1)).contains("threshold shift: **-0.1**");
        FakeMessage lenient = harness.awaitResult(harness.imagine(guild.alice, guild.general, "prompt", "nsfw tree"));
        assertThat(lenient.files().get(0).filename()).doesNotStartWith("SPOILER_");
        assertThat(lenient.files().get(0).bytes()).isEqualTo(harness.jobs().results(harness.jobIdOf(lenient)).get(0).png());

        assertThat(checks.staff(guild.moderator, "mod nsfw set", "threshold", 0.1)).contains("threshold shift: **0.1**");
        long blocked = checks.awaitBlocked(harness.imagine(guild.alice, guild.general, "prompt", "a harmless tree"));
        assertThat(harness.state(blocked)).isEqualTo(JobState.BLOCKED);
        assertThat(db.queryLong("SELECT count(*) FROM guild_settings WHERE guild_id = ? AND nsfw_threshold_shift > 0.09",
                guild.id)).isEqualTo(1);
    }

    @Test
    void nsfwSettingsAreForModeratorsValidatedAndShownPerChannel() {
        assertThat(checks.staff(guild.alice, "mod nsfw set", "policy", "allow")).contains("needs Manage Messages");
        assertThat(checks.staff(guild.moderator, "mod nsfw set", "policy", "inherit")).contains("name the `channel`");
        assertThat(checks.staff(guild.moderator, "mod nsfw set", "policy", "blur", "threshold", 2.0))
                .contains("between -1 and 1");
        assertThat(checks.staff(guild.moderator, "mod nsfw set")).contains("Give a `policy`");
        assertThat(checks.staff(guild.moderator, "mod nsfw set", "policy", "sometimes")).contains("Unknown policy");
        assertThat(db.queryLong("SELECT count(*) FROM guild_settings WHERE guild_id = ? AND (nsfw_policy <> 'BLOCK'"
                + " OR nsfw_threshold_shift <> 0)", guild.id)).as("nothing changed").isZero();
        assertThat(db.queryLong("SELECT count(*) FROM channel_nsfw_policies")).isZero();

        assertThat(checks.staff(guild.moderator, "mod nsfw set", "policy", "allow", "channel", guild.general))
                .contains("acts as block");
        assertThat(checks.staff(guild.moderator, "mod nsfw set", "policy", "blur", "channel", guild.ageRestricted))
                .startsWith("✅");
        String show = checks.staff(guild.moderator, "mod nsfw show");
        assertThat(show).contains("Server policy: **block** · threshold shift: **0.0** · unchecked images: **not allowed")
                .contains("<#" + guild.general.id() + "> **allow** (override) → not posted")
                .contains("<#" + guild.ageRestricted.id() + "> 🔞 age-restricted · **blur** (override) → posted pixelated")
                .contains("<#" + guild.modLog.id() + "> **block** (server's) → not posted");
        assertThat(checks.staff(guild.moderator, "mod nsfw set", "policy", "inherit", "channel", guild.general))
                .contains("now inherits");
        assertThat(db.queryLong("SELECT count(*) FROM channel_nsfw_policies WHERE guild_id = ?", guild.id)).isEqualTo(1);
        assertThat(db.queryLong("SELECT count(*) FROM moderation_events WHERE guild_id = ? AND kind = 'nsfw_policy'"
                + " AND moderator_id = ?", guild.id, guild.moderator.userId())).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aThreadOfAnAgeRestrictedChannelIsAgeRestrictedAndFollowsItsOverride() {
        // failed before: the thread counted as an ordinary channel, so "allow" still pixelated the image there
        assertThat(checks.staff(guild.moderator, "mod nsfw set", "policy", "allow")).startsWith("✅");
        FakeMessage open = harness.awaitResult(harness.imagine(guild.alice, guild.ageRestrictedThread, "prompt", "nsfw dune"));
        long openJob = harness.jobIdOf(open);
        assertThat(open.files()).anySatisfy(f -> assertThat(f.bytes())
                .isEqualTo(harness.jobs().results(openJob).get(0).png()));

        // failed before: the override was looked up by the thread's own id, so the parent's "block" did not apply
        assertThat(checks.staff(guild.moderator, "mod nsfw set", "policy", "block", "channel", guild.ageRestricted))
                .startsWith("✅");
        checks.awaitBlocked(harness.imagine(guild.alice, guild.ageRestrictedThread, "prompt", "nsfw dune again"));
    }

    @Test
    void aForumTakesAnOverrideAndItsPostsFollowIt() {
        // failed before: /mod nsfw set refused a forum channel ("not a text channel")
        assertThat(checks.staff(guild.moderator, "mod nsfw set", "policy", "block", "channel", guild.forum))
                .startsWith("✅");
        assertThat(checks.staff(guild.moderator, "mod nsfw set", "policy", "blur")).startsWith("✅");
        checks.awaitBlocked(harness.imagine(guild.alice, guild.forumPost, "prompt", "nsfw poster"));
        // and the other way: a post of an ordinary forum is not age-restricted, so "allow" acts as block there
        assertThat(checks.staff(guild.moderator, "mod nsfw set", "policy", "inherit", "channel", guild.forum))
                .startsWith("✅");
        assertThat(checks.staff(guild.moderator, "mod nsfw set", "policy", "allow")).startsWith("✅");
        checks.awaitBlocked(harness.imagine(guild.alice, guild.forumPost, "prompt", "nsfw poster two"));
    }

    @Test
    void theModLogMustBePrivateWhenSetAndWhenPosting() {
        // failed before: an ordinary public channel was accepted, and originals were posted there behind a spoiler
        assertThat(checks.staff(guild.moderator, "mod log channel", "channel", guild.general))
                .contains("neither age-restricted nor hidden from @everyone").contains("Nothing was changed");
        assertThat(db.queryLong("SELECT count(*) FROM guild_settings WHERE mod_log_channel_id IS NOT NULL")).isZero();
        assertThat(checks.staff(guild.moderator, "mod log channel", "channel", guild.ageRestricted)).startsWith("✅");
        assertThat(checks.staff(guild.moderator, "mod log channel", "channel", guild.modLog)).startsWith("✅");

        harness.discord.exposeChannel(guild.modLog, true); // someone opens the channel to everyone afterwards
        FakeMessage entry;
        long jobId;
        try {
            checks.staff(guild.moderator, "mod nsfw set", "policy", "blur");
            jobId = harness.jobIdOf(harness.awaitResult(harness.imagine(guild.alice, guild.general, "prompt", "nsfw lake")));
            entry = checks.awaitModLogEntry(jobId);
        } finally {
            harness.discord.exposeChannel(guild.modLog, false);
        }
        assertThat(entry.embeds().get(0).path("description").asText()).contains("Images pixelated")
                .contains("neither age-restricted nor hidden");
        byte[] original = harness.jobs().results(jobId).get(0).png();
        assertThat(entry.files()).singleElement().satisfies(f -> {
            assertThat(f.bytes()).isNotEqualTo(original);
            assertThat(NsfwChecks.distinctColours(f.bytes())).isLessThanOrEqualTo(NsfwChecks.MAX_RESULT_COLOURS);
        });
    }

    @Test
    void theModLogBlockButtonProtectsAdminsAndModeratorsLikeModBlock() {
        assertThat(checks.staff(guild.moderator, "mod log channel", "channel", guild.modLog)).startsWith("✅");
        checks.staff(guild.moderator, "mod nsfw set", "policy", "blur");
        for (FakeGuild.Member protectedMember : List.of(guild.admin, guild.moderator)) {
            long jobId = harness.jobIdOf(harness.awaitResult(harness.imagine(protectedMember, guild.general, "prompt",
                    "nsfw tower")));
            FakeMessage entry = checks.awaitModLogEntry(jobId);
            // failed before: the button blocked whoever made the job, an admin included
            FakeInteraction block = harness.discord.clickButton(guild.moderator, entry, "job:" + jobId + ":modblock");
            assertThat(harness.awaitEphemeral(block)).containsAnyOf("is an admin of this server and can't be blocked",
                    "can't block yourself");
        }
        assertThat(db.queryLong("SELECT count(*) FROM member_blocks")).isZero();
    }

    @Test
    void theModLogGetsFlaggedResultsWithButtonsThatOnlyModeratorsCanUse() throws Exception {
        assertThat(checks.staff(guild.alice, "mod log channel", "channel", guild.modLog)).contains("needs Manage Messages");
        assertThat(checks.staff(guild.moderator, "mod log channel", "channel", guild.readOnly))
                .contains("missing").contains("Send Messages").contains("Nothing was changed");
        assertThat(db.queryLong("SELECT count(*) FROM guild_settings WHERE mod_log_channel_id IS NOT NULL")).isZero();
        assertThat(checks.staff(guild.moderator, "mod log channel", "channel", guild.modLog)).startsWith("✅");
        await().atMost(Duration.ofSeconds(10)).until(() -> harness.discord.visibleMessages(guild.modLog).stream()
                .anyMatch(m -> m.embeds().get(0).path("title").asText().equals("mod_log_channel")));

        checks.staff(guild.moderator, "mod nsfw set", "policy", "blur");
        FakeMessage posted = harness.awaitResult(harness.imagine(guild.alice, guild.general, "prompt", "nsfw fountain",
                "negative", "rain"));
        long jobId = harness.jobIdOf(posted);
        FakeMessage entry = checks.awaitModLogEntry(jobId);
        JsonNode embed = entry.embeds().get(0);
        assertThat(embed.path("title").asText()).isEqualTo("nsfw_result");
        assertThat(embed.path("description").asText()).contains("nsfw fountain").contains("rain").contains("FLAGGED")
                .contains("posted pixelated").contains("max 0.050");
        assertThat(embed.toString()).contains("<@" + guild.alice.userId() + ">");
        assertThat(entry.buttonIds()).containsExactly("job:" + jobId + ":modremove", "job:" + jobId + ":modblock");
        assertThat(entry.files()).singleElement().satisfies(f -> {
            assertThat(f.filename()).startsWith("SPOILER_");
            assertThat(f.bytes()).isEqualTo(harness.jobs().results(jobId).get(0).png());
        });

        for (String action : List.of("modremove", "modblock")) {
            FakeInteraction refused = harness.discord.clickButton(guild.alice, entry, "job:" + jobId + ":" + action);
            assertThat(harness.awaitEphemeral(refused)).contains("Only moderators");
        }
        assertThat(harness.discord.message(posted.id()).deleted()).isFalse();
        assertThat(db.queryLong("SELECT count(*) FROM member_blocks")).isZero();

        long otherGuildJob = harness.jobs().submit(new JobSubmission(JobSystem.request("elsewhere", 1),
                new JobOrigin(guild.id + 1, 5, guild.bob.userId(), 6, "t", Instant.now().plusSeconds(900))));
        FakeInteraction foreign = harness.discord.clickButton(guild.moderator, entry, "job:" + otherGuildJob + ":modremove");
        assertThat(harness.awaitEphemeral(foreign)).isEqualTo("There is no such job in this server.");

        FakeInteraction delete = harness.discord.clickButton(guild.moderator, entry, "job:" + jobId + ":modremove");
        assertThat(harness.awaitEphemeral(delete)).contains("Deleted the public message of job " + jobId);
        assertThat(harness.discord.message(posted.id()).deleted()).isTrue();

        FakeInteraction block = harness.discord.clickButton(guild.moderator, entry, "job:" + jobId + ":modblock");
        assertThat(harness.awaitEphemeral(block)).contains("is blocked");
        assertThat(new MemberBlockStore(db.dataSource()).activeBlock(guild.id, guild.alice.userId()))
                .hasValueSatisfying(b -> assertThat(b.blockedBy()).isEqualTo(guild.moderator.userId()));
        assertThat(db.queryLong("SELECT count(*) FROM moderation_events WHERE job_id = ? AND kind IN ('delete_result', 'block')"
                + " AND moderator_id = ?", jobId, guild.moderator.userId())).isEqualTo(2);

        checks.staff(guild.moderator, "mod nsfw set", "policy", "block");
        long blocked = checks.awaitBlocked(harness.imagine(guild.bob, guild.general, "prompt", "unchecked fountain"));
        FakeMessage blockedEntry = checks.awaitModLogEntry(blocked);
        assertThat(blockedEntry.embeds().get(0).path("title").asText()).isEqualTo("nsfw_block");
        assertThat(blockedEntry.embeds().get(0).path("description").asText()).contains("UNCHECKED").contains("blocked")
                .contains("none (no checker ran)");
        FakeInteraction nothingToDelete = harness.discord.clickButton(guild.moderator, blockedEntry,
                "job:" + blocked + ":modremove");
        assertThat(harness.awaitEphemeral(nothingToDelete)).contains("has no public message");
    }
}
