package dev.sdbot.bot.features.imagine;

import dev.sdbot.bot.discord.GuildLanes;
import dev.sdbot.bot.discord.Rejection;
import dev.sdbot.bot.discord.StaffAccess;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.scheduler.JobResult;
import dev.sdbot.scheduler.JobService;
import dev.sdbot.scheduler.JobView;

import java.util.List;

/**
 * 🎨 Variations: A1111's variation seeds. The result's request again (its input images included) with the first image's
 * seed and a fresh random variation seed (image i: + i, picked when the job is queued) at the configured strength
 * ({@code variations.strength}): the same composition, slightly varied.
 */
public final class VariationsButton extends ResubmitButton {
    private final double strength;

    public VariationsButton(JobService jobs, StaffAccess access, GuildLimits limits, SubmitChecks submitChecks,
                            JobSubmitter submitter, GuildLanes work, double strength) {
        super(jobs, access, limits, submitChecks, submitter, work);
        this.strength = strength;
    }

    @Override
    public String action() {
        return "variations";
    }

    @Override
    GenerationRequest derive(JobView job, List<JobResult> images) {
        try {
            return jobs.requestWithImages(job).toBuilder().seed(images.get(0).seed()).variation(null, strength).build();
        } catch (IllegalStateException e) {
            throw new Rejection("The input image of job " + job.id() + " is no longer stored.");
        }
    }
}
