package dev.sdbot.bot.features.imagine;

import dev.sdbot.bot.discord.GuildLanes;
import dev.sdbot.bot.discord.Rejection;
import dev.sdbot.bot.discord.StaffAccess;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.InvalidRequestException;
import dev.sdbot.inference.image.ImageCodec;
import dev.sdbot.inference.image.RgbImage;
import dev.sdbot.scheduler.JobResult;
import dev.sdbot.scheduler.JobService;
import dev.sdbot.scheduler.JobView;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * 🔍 Zoom out 1.5x / 2x and ⬅️ ➡️ ⬆️ ⬇️ Pan: the (first) result on a larger canvas ({@link Outpaint}), the new area
 * inpainted with the same prompt, seed and settings, the result's own pixels kept exactly (the engine puts them back
 * after decoding). The filler is an inpainting model of the family when a live worker has one ({@link InpaintModels}),
 * else the model itself by masked img2img; either way at strength 1, so the new area starts from the seed's noise
 * (A1111's "latent noise" fill at denoising 1).
 */
public final class OutpaintButton extends ResubmitButton {
    static final double STRENGTH = 1.0;

    private final Outpaint outpaint;
    private final InpaintModels models;

    private OutpaintButton(JobService jobs, StaffAccess access, GuildLimits limits, SubmitChecks submitChecks,
                           JobSubmitter submitter, GuildLanes work, InpaintModels models, Outpaint outpaint) {
        super(jobs, access, limits, submitChecks, submitter, work);
        this.models = models;
        this.outpaint = outpaint;
    }

    /** One button per zoom and pan direction. */
    public static List<OutpaintButton> all(JobService jobs, StaffAccess access, GuildLimits limits,
                                           SubmitChecks submitChecks, JobSubmitter submitter, GuildLanes work,
                                           InpaintModels models) {
        return Arrays.stream(Outpaint.values())
                .map(o -> new OutpaintButton(jobs, access, limits, submitChecks, submitter, work, models, o)).toList();
    }

    @Override
    public String action() {
        return outpaint.action();
    }

    @Override
    String overLimitPrefix() {
        return "Can't " + outpaint.label().toLowerCase(Locale.ROOT) + ": ";
    }

    @Override
    GenerationRequest derive(JobView job, List<JobResult> images) {
        JobResult first = images.get(0);
        RgbImage source;
        try {
            source = ImageCodec.decode(first.png());
        } catch (InvalidRequestException e) {
            throw new Rejection("The image of job " + job.id() + " cannot be read: " + e.getMessage());
        }
        Outpaint.Canvas canvas = outpaint.canvas(source.width(), source.height());
        GenerationRequest r = job.request();
        return r.toBuilder().model(models.forOutpainting(job.origin().guildId(), r.model())).seed(first.seed()).count(1)
                .size(canvas.width(), canvas.height()).hires(null).strength(STRENGTH)
                .images(Outpaint.initImage(source, canvas), Outpaint.mask(source.width(), source.height(), canvas))
                .build();
    }
}
