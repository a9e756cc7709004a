package dev.sdbot.bot.features.nsfw;

import dev.sdbot.bot.features.moderation.AuditTrail;
import dev.sdbot.inference.api.SafetyVerdict;
import dev.sdbot.scheduler.JobResult;
import dev.sdbot.scheduler.JobView;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.List;
import net.dv8tion.jda.api.entities.channel.middleman.GuildChannel;

/**
 * Applies the channel's NSFW rules to each image of a result before it is posted, and records the images
 * that did not pass once the outcome is settled.
 */
public final class ResultScreening {
    private final NsfwRules rules;
    private final NsfwPolicy policy;
    private final NsfwResultAudit audit;
    private final ScreeningMeters meters;

    public ResultScreening(NsfwRules rules, NsfwPolicy policy, AuditTrail audit, MeterRegistry meters) {
        this.rules = rules;
        this.policy = policy;
        this.audit = new NsfwResultAudit(audit);
        this.meters = new ScreeningMeters(meters);
    }

    /** The decisions for a result of the job's channel. */
    public Screened screen(JobView job, List<JobResult> images, GuildChannel postedIn) {
        NsfwPolicy.ChannelRules channel = rules.forChannel(job.origin().guildId(),
                NsfwChannels.policyChannelId(postedIn, job.origin().channelId()), NsfwChannels.ageRestricted(postedIn));
        return new Screened(job, channel, images.stream()
                .map(i -> new NsfwResultAudit.Decided(i, policy.decide(i.safety(), i.nsfwScores(), channel))).toList());
    }

    /** Writes the moderation event and mod-log entry of a result that was posted or blocked (once per job), and counts its images. */
    public void recordOutcome(Screened screened) {
        screened.images().forEach(d -> meters.record(d.decision()));
        audit.record(screened.job(), screened.rules(), screened.images());
    }

    /** A result with a decision per image. */
    public record Screened(JobView job, NsfwPolicy.ChannelRules rules, List<NsfwResultAudit.Decided> images) {
        /** The images to post, with how; empty when every image is blocked. */
        public List<ShownImage> shown() {
            return images.stream().filter(d -> d.decision().treatment() != NsfwPolicy.Treatment.BLOCK)
                    .map(d -> new ShownImage(d.image(), d.decision().treatment())).toList();
        }

        public int withheld() {
            return images.size() - shown().size();
        }

        /** Why nothing was posted, for the requester. */
        public String blockedReason() {
            boolean flagged = images.stream().anyMatch(d -> d.decision().verdict() == SafetyVerdict.FLAGGED);
            return flagged ? "the safety checker flagged it"
                    : "no safety checker could check it, and this server doesn't post unchecked images here";
        }
    }
}
