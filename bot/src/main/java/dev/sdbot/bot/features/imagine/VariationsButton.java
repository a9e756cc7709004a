package dev.sdbot.bot.features.imagine;

import dev.sdbot.bot.discord.StaffAccess;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.scheduler.JobResult;
import dev.sdbot.scheduler.JobService;
import dev.sdbot.scheduler.JobView;

import java.util.List;
import dev.sdbot.bot.discord.GuildLanes;

/** 🎨 Variations: img2img from the (first) result with a new seed. */
public final class VariationsButton extends ResubmitButton {
    static final double STRENGTH = 0.6;

    public VariationsButton(JobService jobs, StaffAccess access, GuildLimits limits, SubmitChecks submitChecks, JobSubmitter submitter,
                        GuildLanes work) {
        super(jobs, access, limits, submitChecks, submitter, work);
    }

    @Override
    public String action() {
        return "variations";
    }

    @Override
    GenerationRequest derive(JobView job, List<JobResult> images) {
        GenerationRequest r = job.request();
        return r.toBuilder().seed(null).images(images.get(0).png(), null).strength(STRENGTH).hires(null).build();
    }
}
