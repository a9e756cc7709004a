package dev.sdbot.bot.features.imagine;

import dev.sdbot.bot.discord.StaffAccess;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.HiresFix;
import dev.sdbot.scheduler.JobResult;
import dev.sdbot.scheduler.JobService;
import dev.sdbot.scheduler.JobView;

import java.util.List;
import dev.sdbot.bot.discord.GuildLanes;

/**
 * ⬆ Upscale: the (first) result at twice the size. A text-to-image result is made again with the same seed and
 * A1111's hires fix ({@link HiresFix#upscaleButton()}: latent 2x, strength 0.4), which redraws detail at the new
 * size; an img2img or already hires-fixed result goes through img2img at low strength, same seed.
 */
public final class UpscaleButton extends ResubmitButton {
    static final double STRENGTH = 0.3;

    public UpscaleButton(JobService jobs, StaffAccess access, GuildLimits limits, SubmitChecks submitChecks, JobSubmitter submitter,
                        GuildLanes work) {
        super(jobs, access, limits, submitChecks, submitter, work);
    }

    @Override
    public String action() {
        return "upscale";
    }

    @Override
    String overLimitPrefix() {
        return "Can't upscale: at twice the size, ";
    }

    @Override
    GenerationRequest derive(JobView job, List<JobResult> images) {
        GenerationRequest r = job.request();
        if (!job.inputs().hasInit() && r.hires() == null) {
            return r.toBuilder().seed(images.get(0).seed()).count(1).hires(HiresFix.upscaleButton()).build();
        }
        return r.toBuilder().seed(images.get(0).seed()).count(1).images(images.get(0).png(), null).strength(STRENGTH)
                .size(r.width() * 2, r.height() * 2).hires(null).build();
    }
}
