package dev.sdbot.bot.e2e;

import dev.sdbot.testkit.fake.FakeDiscord;
import dev.sdbot.testkit.fake.FakeGuild;
import dev.sdbot.testkit.fake.FakeInteraction;
import dev.sdbot.testkit.fake.FakeMessage;
import dev.sdbot.testkit.fake.RecordedCall;
import dev.sdbot.scheduler.JobResult;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What the NSFW end-to-end tests check on the bytes the fake Discord received. */
final class NsfwChecks {
    /** A pixelated result has at most 16 × 16 blocks, a pixelated preview 8 × 8. */
    static final int MAX_RESULT_COLOURS = 16 * 16;
    static final int MAX_PREVIEW_COLOURS = 8 * 8;

    private final BotHarness harness;

    NsfwChecks(BotHarness harness) {
        this.harness = harness;
    }

    /** Sends a staff command ("mod nsfw set") and returns its ephemeral answer. */
    String staff(FakeGuild.Member member, String command, Object... options) {
        return harness.awaitEphemeral(harness.discord.slashCommand(member, harness.discord.guild().general, command,
                FakeDiscord.options(options)));
    }

    /** Every file the bot uploaded to the interaction's messages (progress edits, result, follow-ups). */
    List<RecordedCall.UploadedFile> uploadsOf(FakeInteraction interaction) {
        return harness.discord.calls().stream().filter(c -> c.path().contains(interaction.token()))
                .flatMap(c -> c.files().stream()).toList();
    }

    List<RecordedCall.UploadedFile> previewsOf(FakeInteraction interaction) {
        return uploadsOf(interaction).stream().filter(f -> f.filename().contains("preview")).toList();
    }

    /**
     * Nothing the channel could see of the job shows its images or the engine's preview as they are: every
     * upload differs from them and is pixelated, and the final message keeps no preview.
     */
    void assertNeverShownClear(FakeInteraction interaction, long jobId, byte[] originalPreview) {
        List<byte[]> originals = harness.jobs().results(jobId).stream().map(JobResult::png).toList();
        assertThat(originals).isNotEmpty();
        for (RecordedCall.UploadedFile file : uploadsOf(interaction)) {
            assertThat(originals).as(file.filename()).noneMatch(o -> Arrays.equals(o, file.bytes()));
            if (originalPreview != null) {
                assertThat(file.bytes()).as(file.filename()).isNotEqualTo(originalPreview);
            }
            int max = file.filename().contains("preview") ? MAX_PREVIEW_COLOURS : MAX_RESULT_COLOURS;
            assertThat(distinctColours(file.bytes())).as("detail left in " + file.filename()).isLessThanOrEqualTo(max);
        }
        for (FakeMessage message : harness.discord.visibleMessages(interaction.channel())) {
            for (RecordedCall.UploadedFile file : message.files()) {
                assertThat(originals).noneMatch(o -> Arrays.equals(o, file.bytes()));
            }
        }
    }

    /** The requester's ephemeral notice of a blocked result, after the progress message lost its preview and went. */
    long awaitBlocked(FakeInteraction interaction) {
        String notice = harness.awaitEphemeral(interaction);
        assertThat(notice).contains("was not posted").contains("safety checker");
        long jobId = Long.parseLong(notice.replaceAll("(?s).*job (\\d+).*", "$1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> harness.discord.original(interaction).orElseThrow().deleted());
        assertThat(harness.discord.original(interaction).orElseThrow().files()).as("preview removed").isEmpty();
        return jobId;
    }

    /** The mod-log entry about the job, once it arrives. */
    FakeMessage awaitModLogEntry(long jobId) {
        FakeGuild.Channel modLog = harness.discord.guild().modLog;
        await().atMost(Duration.ofSeconds(20)).until(() -> harness.discord.visibleMessages(modLog).stream()
                .anyMatch(m -> m.buttonIds().contains("job:" + jobId + ":modremove")));
        return harness.discord.visibleMessages(modLog).stream()
                .filter(m -> m.buttonIds().contains("job:" + jobId + ":modremove")).findFirst().orElseThrow();
    }

    static int distinctColours(byte[] png) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
            Set<Integer> colours = new HashSet<>();
            for (int y = 0; y < image.getHeight(); y++) {
                for (int x = 0; x < image.getWidth(); x++) {
                    colours.add(image.getRGB(x, y));
                }
            }
            return colours.size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
