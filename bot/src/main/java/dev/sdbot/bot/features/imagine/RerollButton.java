package dev.sdbot.bot.features.imagine;

import dev.sdbot.bot.discord.Rejection;
import dev.sdbot.bot.discord.StaffAccess;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.scheduler.JobResult;
import dev.sdbot.scheduler.JobService;
import dev.sdbot.scheduler.JobView;

import java.util.List;
import dev.sdbot.bot.discord.GuildLanes;

/** 🔁 Reroll: the same parameters with a new seed. */
public final class RerollButton extends ResubmitButton {
    public RerollButton(JobService jobs, StaffAccess access, GuildLimits limits, SubmitChecks submitChecks, JobSubmitter submitter,
                        GuildLanes work) {
        super(jobs, access, limits, submitChecks, submitter, work);
    }

    @Override
    public String action() {
        return "reroll";
    }

    @Override
    GenerationRequest derive(JobView job, List<JobResult> images) {
        try {
            return jobs.requestWithImages(job).withSeed(null); // an img2img job rerolls from the same input images
        } catch (IllegalStateException e) {
            throw new Rejection("The input image of job " + job.id() + " is no longer stored.");
        }
    }
}
