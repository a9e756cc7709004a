package dev.sdbot.bot.features.nsfw;

import dev.sdbot.bot.discord.PngImages;
import dev.sdbot.bot.discord.Texts;
import dev.sdbot.bot.features.moderation.AuditTrail;
import dev.sdbot.bot.features.moderation.ModLog;
import dev.sdbot.scheduler.JobResult;
import dev.sdbot.scheduler.JobView;
import net.dv8tion.jda.api.utils.data.DataArray;
import net.dv8tion.jda.api.utils.data.DataObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Records a result with images that did not pass the safety check: a {@code moderation_events} row
 * ({@code nsfw_block} when the policy blocked any image, else {@code nsfw_result}) and a mod-log entry with
 * the requester, prompt, scores, what was done with each image, and the images behind spoilers.
 */
final class NsfwResultAudit {
    /** Mod-log images are shrunk to this so that a batch fits Discord's default upload limit. */
    private static final long MOD_LOG_FILE_BYTES = 2L * 1024 * 1024;

    /** One image of the job with its decision. */
    record Decided(JobResult image, NsfwPolicy.Decision decision) {
    }

    private final AuditTrail audit;

    NsfwResultAudit(AuditTrail audit) {
        this.audit = audit;
    }

    /** Records the job if any of its images did not pass; does nothing otherwise. */
    void record(JobView job, NsfwPolicy.ChannelRules rules, List<Decided> images) {
        List<Decided> notPassed = images.stream().filter(d -> !d.decision().passed()).toList();
        if (notPassed.isEmpty()) {
            return;
        }
        boolean blocked = notPassed.stream().anyMatch(d -> d.decision().treatment() == NsfwPolicy.Treatment.BLOCK);
        String reason = notPassed.size() + " of " + images.size() + " image(s) did not pass the safety check in <#"
                + job.origin().channelId() + "> (policy " + rules.policy() + (rules.ageRestricted() ? ", age-restricted" : "")
                + "): " + String.join(", ", notPassed.stream().map(d -> "#" + d.image().index() + " "
                + d.decision().verdict() + " → " + done(d.decision().treatment())).toList());
        StringBuilder summary = new StringBuilder()
                .append("**Prompt:** ").append(Texts.truncate(job.request().prompt(), 1000)).append('\n');
        if (!job.request().negativePrompt().isBlank()) {
            summary.append("**Negative:** ").append(Texts.truncate(job.request().negativePrompt(), 500)).append('\n');
        }
        summary.append("**Channel:** <#").append(job.origin().channelId()).append("> · **Model:** ")
                .append(job.request().model()).append(" · **Threshold shift:** ").append(rules.thresholdShift()).append('\n');
        DataArray details = DataArray.empty();
        List<ModLog.Image> files = new ArrayList<>();
        for (Decided d : notPassed) {
            JobResult image = d.image();
            summary.append("**Image ").append(image.index()).append(":** ").append(d.decision().verdict()).append(", ")
                    .append(done(d.decision().treatment())).append(", scores ").append(scores(image.nsfwScores())).append('\n');
            details.add(DataObject.empty().put("index", image.index()).put("seed", image.seed())
                    .put("stored", image.safety().name()).put("verdict", d.decision().verdict().name())
                    .put("treatment", d.decision().treatment().name()).put("scores", scoresArray(image.nsfwScores())));
            if (image.png() != null) {
                files.add(new ModLog.Image("sdbot-" + job.id() + "-" + image.index() + ".png",
                        PngImages.fit(image.png(), MOD_LOG_FILE_BYTES)));
            }
        }
        audit.record(job.origin().guildId(), job.id(), job.origin().userId(), null,
                blocked ? "nsfw_block" : "nsfw_result", reason,
                DataObject.empty().put("channel_id", job.origin().channelId()).put("policy", rules.policy().name())
                        .put("age_restricted", rules.ageRestricted()).put("threshold_shift", rules.thresholdShift())
                        .put("images", details).toString(),
                summary.toString(), files);
    }

    private static String done(NsfwPolicy.Treatment treatment) {
        return switch (treatment) {
            case POST -> "posted openly";
            case SPOILER -> "posted behind a spoiler";
            case BLUR -> "posted pixelated";
            case BLOCK -> "blocked";
        };
    }

    /** The highest concept score (the one that decides) and how many there are; the checker rounds to 3 decimals. */
    static String scores(float[] scores) {
        if (scores == null || scores.length == 0) {
            return "none (no checker ran)";
        }
        float max = Float.NEGATIVE_INFINITY;
        for (float s : scores) {
            max = Math.max(max, s);
        }
        return "max " + String.format(Locale.ROOT, "%.3f", max) + " of " + scores.length;
    }

    private static DataArray scoresArray(float[] scores) {
        DataArray array = DataArray.empty();
        if (scores != null) {
            for (float s : scores) {
                array.add(s);
            }
        }
        return array;
    }
}
