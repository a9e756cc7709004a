package dev.sdbot.bot.features.imagine;

import dev.sdbot.bot.discord.GuildLanes;
import dev.sdbot.bot.discord.StaffAccess;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.HiresFix;
import dev.sdbot.scheduler.JobResult;
import dev.sdbot.scheduler.JobService;
import dev.sdbot.scheduler.JobView;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * ⬆ Upscale: the (first) result at twice the size. With an ESRGAN-family upscaler on the workers
 * ({@link Upscalers#defaultName}), the posted image itself is enlarged by it: an upscale job, safety-checked like
 * every result. Without one, the fallback the member is told about: a text-to-image result is made again with the
 * same seed and A1111's hires fix ({@link HiresFix#upscaleButton()}: latent 2x, strength 0.4), an img2img or already
 * hires-fixed result goes through img2img at low strength, same seed; both redraw rather than enlarge, and can look soft.
 */
public final class UpscaleButton extends ResubmitButton {
    static final double STRENGTH = 0.3;
    static final int SCALE = 2;
    static final String LATENT_FALLBACK = "ℹ️ No ESRGAN upscaler is installed on the workers, so this upscale is a "
            + "latent 2x img2img pass (A1111's hires fix at strength 0.4): it redraws at the new size and can look soft.";

    private final Upscalers upscalers;

    public UpscaleButton(JobService jobs, StaffAccess access, GuildLimits limits, SubmitChecks submitChecks, JobSubmitter submitter,
                        GuildLanes work, Upscalers upscalers) {
        super(jobs, access, limits, submitChecks, submitter, work);
        this.upscalers = upscalers;
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
        Map<String, Integer> published = upscalers.published();
        Optional<String> upscaler = upscalers.defaultName(published);
        if (upscaler.isPresent()) {
            return Upscalers.request(images.get(0).png(), upscaler.get(), published.get(upscaler.get()), SCALE,
                    job.request().model()).withSeed(images.get(0).seed());
        }
        GenerationRequest r = job.request();
        if (!job.inputs().hasInit() && r.hires() == null) {
            return r.toBuilder().seed(images.get(0).seed()).count(1).hires(HiresFix.upscaleButton()).build();
        }
        return r.toBuilder().seed(images.get(0).seed()).count(1).images(images.get(0).png(), null).strength(STRENGTH)
                .size(r.width() * 2, r.height() * 2).hires(null).upscaler(null).build();
    }

    @Override
    List<String> notices(GenerationRequest derived) {
        return derived.isUpscale() ? List.of() : List.of(LATENT_FALLBACK);
    }
}
