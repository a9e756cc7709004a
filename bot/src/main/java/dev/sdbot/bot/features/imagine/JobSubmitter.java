package dev.sdbot.bot.features.imagine;

import dev.sdbot.bot.discord.Rejection;
import dev.sdbot.bot.discord.Replies;
import dev.sdbot.bot.features.results.ProgressReporter;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.scheduler.JobOrigin;
import dev.sdbot.scheduler.JobService;
import dev.sdbot.scheduler.JobSubmission;
import dev.sdbot.scheduler.QuotaExceededException;
import net.dv8tion.jda.api.entities.ISnowflake;
import net.dv8tion.jda.api.interactions.callbacks.IReplyCallback;
import net.dv8tion.jda.api.utils.TimeFormat;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Queues a job for an interaction whose reply was deferred publicly: the placeholder becomes the
 * progress message (and later the result), or an ephemeral error when the job cannot be queued.
 */
public final class JobSubmitter {
    /** Discord's interaction tokens last 15 minutes; stop using them a minute early. */
    static final Duration TOKEN_LIFETIME = Duration.ofMinutes(14);

    private final JobService jobs;
    private final ProgressReporter progress;
    private final Clock clock;

    public JobSubmitter(JobService jobs, ProgressReporter progress, Clock clock) {
        this.jobs = jobs;
        this.progress = progress;
        this.clock = clock;
    }

    /**
     * Refuses, before the reply is deferred, a request the member's quota cannot take, so the refusal is a true
     * ephemeral reply; {@link #submit} still checks atomically.
     */
    public void checkQuota(IReplyCallback event, GenerationRequest request) {
        try {
            jobs.checkQuota(event.getGuild().getIdLong(), event.getUser().getIdLong(), roles(event), request);
        } catch (QuotaExceededException e) {
            throw new Rejection(overQuota(e));
        }
    }

    /**
     * Refuses a request that breaks the engine's rules (blank prompt, strength leaving no step, unreadable or
     * oversized images, a mask that does not fit), so it is refused before anything public appears.
     */
    public static void checkValid(GenerationRequest request) {
        try {
            JobService.validate(request);
        } catch (IllegalArgumentException e) {
            String reason = e.getMessage();
            throw new Rejection("⚠️ " + Character.toUpperCase(reason.charAt(0)) + reason.substring(1) + ".");
        }
    }

    /** Who submits, and where, for the {@link SubmitCheck}s. */
    public static Submitter submitter(IReplyCallback event, boolean buttonPress) {
        return new Submitter(event.getGuild().getIdLong(), event.getChannelIdLong(), event.getUser().getIdLong(),
                roles(event), buttonPress);
    }

    /** Queues the checked request; the checks' notices go to the member ephemerally once it is queued. */
    public void submit(IReplyCallback event, SubmitChecks.Checked checked) {
        GenerationRequest request = checked.request();
        JobOrigin origin = new JobOrigin(event.getGuild().getIdLong(), event.getChannelIdLong(), event.getUser().getIdLong(),
                event.getIdLong(), event.getToken(), clock.instant().plus(TOKEN_LIFETIME));
        long jobId;
        try {
            jobId = jobs.submit(new JobSubmission(request, origin, roles(event), 0));
        } catch (QuotaExceededException e) {
            Replies.rejectDeferred(event.getHook(), overQuota(e));
            return;
        } catch (IllegalArgumentException e) {
            Replies.rejectDeferred(event.getHook(), "⚠️ " + e.getMessage());
            return;
        }
        progress.track(jobId, event.getHook());
        for (String notice : checked.notices()) {
            event.getHook().sendMessage(notice).setEphemeral(true).queue();
        }
    }

    private static List<Long> roles(IReplyCallback event) {
        return event.getMember().getRoles().stream().map(ISnowflake::getIdLong).toList();
    }

    private static String overQuota(QuotaExceededException e) {
        return "⛔ " + e.getMessage() + e.resetsAt().map(at -> " Your quota resets " + TimeFormat.RELATIVE.format(at) + ".")
                .orElse("");
    }
}
