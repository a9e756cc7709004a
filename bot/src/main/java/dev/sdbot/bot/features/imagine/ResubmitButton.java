package dev.sdbot.bot.features.imagine;

import dev.sdbot.bot.discord.ButtonHandler;
import dev.sdbot.bot.discord.CheckThenDefer;
import dev.sdbot.bot.discord.JobButtonId;
import dev.sdbot.bot.discord.Rejection;
import dev.sdbot.bot.discord.StaffAccess;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.scheduler.JobResult;
import dev.sdbot.scheduler.JobService;
import dev.sdbot.scheduler.JobView;
import net.dv8tion.jda.api.events.interaction.component.ButtonInteractionEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import dev.sdbot.bot.discord.GuildLanes;

/**
 * A button that queues a new job derived from a finished one (reroll, variations, upscale, zoom out, pan). Checks the
 * presser, the guild's limits (pixels, steps, images) and every submit check (prompt filters...) first, refusing ephemerally with no job; then
 * defers a public reply, which becomes the new job's progress message and result.
 */
abstract class ResubmitButton implements ButtonHandler {
    /** For a job that is gone and for a job of another guild alike (custom ids can be forged). */
    static final String NO_SUCH_JOB = "That job no longer exists.";
    static final String NOT_YOURS = "🙅 Not yours: only the member who asked for this image (or a moderator) can use its buttons.";

    final JobService jobs;
    private final StaffAccess access;
    private final GuildLimits limits;
    private final JobSubmitter submitter;
    private final SubmitChecks submitChecks;
    private final GuildLanes work;

    ResubmitButton(JobService jobs, StaffAccess access, GuildLimits limits, SubmitChecks submitChecks, JobSubmitter submitter,
                   GuildLanes work) {
        this.jobs = jobs;
        this.access = access;
        this.limits = limits;
        this.submitter = submitter;
        this.submitChecks = submitChecks;
        this.work = work;
    }

    /** The new request, from the original job and the images of its posted attempt. */
    abstract GenerationRequest derive(JobView job, List<JobResult> images);

    @Override
    public void onButton(ButtonInteractionEvent event, JobButtonId id) {
        CheckThenDefer.run(event, work.of(event.getGuild().getIdLong()), "button " + id.customId(), () -> check(event, id),
                request -> submitter.submit(event, request));
    }

    /** The derived request, if the member may have it; throws {@link Rejection} otherwise. */
    private SubmitChecks.Checked check(ButtonInteractionEvent event, JobButtonId id) {
        Optional<JobView> job = jobs.findInGuild(event.getGuild().getIdLong(), id.jobId());
        if (job.isEmpty()) {
            throw new Rejection(NO_SUCH_JOB);
        }
        if (!mayUse(event, job.get(), access)) {
            throw new Rejection(NOT_YOURS);
        }
        List<JobResult> images = jobs.results(id.jobId()).stream()
                .filter(r -> r.attempt() == job.get().attempt() && r.png() != null).toList();
        if (images.isEmpty()) {
            throw new Rejection("The images of job " + id.jobId() + " are no longer stored.");
        }
        GenerationRequest request = derive(job.get(), images);
        JobSubmitter.checkValid(request);
        Optional<String> overLimit = limits.problem(event.getGuild().getIdLong(), request);
        if (overLimit.isPresent()) {
            throw new Rejection("⚠️ " + overLimitPrefix() + overLimit.get());
        }
        SubmitChecks.Checked checked = submitChecks.apply(JobSubmitter.submitter(event, true), request);
        submitter.checkQuota(event, checked.request());
        List<String> notices = new ArrayList<>(notices(request));
        notices.addAll(checked.notices());
        return new SubmitChecks.Checked(checked.request(), List.copyOf(notices));
    }

    /** What the member is told about the derived request once it is queued (ephemerally); none by default. */
    List<String> notices(GenerationRequest derived) {
        return List.of();
    }

    /** Leads the limit error, e.g. "Can't upscale: ". */
    String overLimitPrefix() {
        return "";
    }

    static boolean mayUse(ButtonInteractionEvent event, JobView job, StaffAccess access) {
        return event.getUser().getIdLong() == job.origin().userId()
                || access.moderates(event.getMember(), event.getGuildChannel());
    }
}
