package dev.sdbot.inference.sampling;

import dev.sdbot.inference.api.DenoiseSteps;
import dev.sdbot.inference.api.Sampler;
import dev.sdbot.inference.model.SchedulerConfig;

/**
 * Builds the sampler behind each {@link Sampler} from the model's training schedule. diffusers schedulers
 * are built as {@code XScheduler.from_config(pipe.scheduler.config)} does: settings the model config lacks
 * take the sampler's own default (DDIM and PLMS "leading" spacing, the others "linspace"). k-diffusion
 * samplers and A1111's DDIM and PLMS take only the training schedule and prediction type from the config, as A1111
 * does.
 */
public final class Samplers {

    private Samplers() {
    }

    public static DiffusionSampler create(Sampler sampler, SchedulerConfig config, int steps) {
        if (steps < 1 || steps > config.numTrainTimesteps()) {
            throw new IllegalArgumentException("steps must be between 1 and " + config.numTrainTimesteps()
                    + ", got " + steps);
        }
        NoiseSchedule schedule = NoiseSchedule.of(config);
        PredictionType prediction = PredictionType.fromConfig(config.predictionType());
        int offset = config.stepsOffset();
        DiscreteSigmas k = DiscreteSigmas.of(schedule);
        int[] a1111Run = CompVisTimestepsSampler.a1111Timesteps(schedule.size(), steps);
        return switch (sampler) {
            case DDIM -> new A1111DdimSampler(schedule, prediction, a1111Run, a1111Run[a1111Run.length - 1],
                    false);
            case PLMS -> new A1111PlmsSampler(schedule, prediction, a1111Run, a1111Run[a1111Run.length - 1],
                    false);
            case DDIM_DIFFUSERS -> new DiffusersDdimSampler(schedule, prediction, spacing(config, TimestepSpacing.LEADING), steps, offset,
                    config.setAlphaToOne());
            case PLMS_DIFFUSERS -> new DiffusersPlmsSampler(schedule, prediction, spacing(config, TimestepSpacing.LEADING), steps, offset,
                    config.setAlphaToOne());
            case EULER -> new KEulerSampler(k, prediction, KSchedules.sigmas(k, steps, false, false));
            case EULER_A -> new KEulerAncestralSampler(k, prediction, KSchedules.sigmas(k, steps, false, false));
            case LMS -> new KLmsSampler(k, prediction, KSchedules.sigmas(k, steps, false, false));
            case DPMPP_2M -> new KDpmpp2mSampler(k, prediction, KSchedules.sigmas(k, steps, false, false));
            case EULER_DIFFUSERS -> new EulerSampler(schedule, prediction, spacing(config, TimestepSpacing.LINSPACE),
                    steps, offset);
            case EULER_A_DIFFUSERS -> new EulerAncestralSampler(schedule, prediction,
                    spacing(config, TimestepSpacing.LINSPACE), steps, offset);
            case LMS_DIFFUSERS -> new LmsSampler(schedule, prediction, spacing(config, TimestepSpacing.LINSPACE), steps,
                    offset);
            case DPMPP_2M_DIFFUSERS -> new DpmSolverMultistepSampler(schedule, prediction,
                    spacing(config, TimestepSpacing.LINSPACE), steps, offset, false);
            case DPMPP_2M_KARRAS_DIFFUSERS -> new DpmSolverMultistepSampler(schedule, prediction,
                    spacing(config, TimestepSpacing.LINSPACE), steps, offset, true);
            case UNIPC -> new UniPcSampler(schedule, prediction, spacing(config, TimestepSpacing.LINSPACE), steps,
                    offset);
            case HEUN -> new KHeunSampler(k, prediction, KSchedules.sigmas(k, steps, false, false));
            case HEUN_KARRAS -> new KHeunSampler(k, prediction, KSchedules.sigmas(k, steps, true, false));
            case DPM2 -> new KDpm2Sampler(k, prediction, KSchedules.sigmas(k, steps, false, true));
            case DPM2_KARRAS -> new KDpm2Sampler(k, prediction, KSchedules.sigmas(k, steps, true, true));
            case DPMPP_SDE -> new KDpmppSdeSampler(k, prediction, KSchedules.sigmas(k, steps, false, false));
            case DPMPP_SDE_KARRAS -> new KDpmppSdeSampler(k, prediction, KSchedules.sigmas(k, steps, true, false));
            case DPMPP_2M_SDE -> new KDpmpp2mSdeSampler(k, prediction, KSchedules.sigmas(k, steps, false, false));
            case DPMPP_2M_SDE_KARRAS -> new KDpmpp2mSdeSampler(k, prediction, KSchedules.sigmas(k, steps, true, false));
            case EULER_KARRAS -> new KEulerSampler(k, prediction, KSchedules.sigmas(k, steps, true, false));
            case EULER_A_KARRAS -> new KEulerAncestralSampler(k, prediction, KSchedules.sigmas(k, steps, true, false));
            case LMS_KARRAS -> new KLmsSampler(k, prediction, KSchedules.sigmas(k, steps, true, false));
            case DPMPP_2M_KARRAS -> new KDpmpp2mSampler(k, prediction, KSchedules.sigmas(k, steps, true, false));
            case EULER_SGM_UNIFORM -> new KEulerSampler(k, prediction, k.sgmUniform(steps));
            case EULER_A_SGM_UNIFORM -> new KEulerAncestralSampler(k, prediction, k.sgmUniform(steps));
            case LCM -> KLcmSampler.create(schedule, prediction, steps);
            case LCM_DIFFUSERS -> new LcmSampler(schedule, prediction, steps);
        };
    }

    /**
     * The sampler of a denoising pass that runs {@code plan} (img2img, the hires pass) and the call it starts at: the
     * plan's last steps of a schedule of {@link DenoiseSteps#schedule} steps; A1111's DDIM and PLMS run their own
     * img2img ({@code CompVisSampler.sample_img2img}, with {@code t_enc = plan.run() - 1} as
     * {@code setup_img2img_steps} gives for both img2img and the hires pass).
     */
    public static SamplerPass pass(Sampler sampler, SchedulerConfig config, DenoiseSteps plan) {
        if (sampler == Sampler.DDIM || sampler == Sampler.PLMS) {
            NoiseSchedule schedule = NoiseSchedule.of(config);
            PredictionType prediction = PredictionType.fromConfig(config.predictionType());
            int train = schedule.size();
            int tEnc = plan.run() - 1;
            int[] run = CompVisTimestepsSampler.img2imgRun(train, plan.schedule(), tEnc);
            int entry = CompVisTimestepsSampler.img2imgEntry(train, plan.schedule(), tEnc);
            return new SamplerPass(sampler == Sampler.DDIM ? new A1111DdimSampler(schedule, prediction, run, entry, true)
                    : new A1111PlmsSampler(schedule, prediction, run, entry, true), 0);
        }
        DiffusionSampler whole = create(sampler, config, plan.schedule());
        return new SamplerPass(whole, whole.callIndexOfStep(plan.startStep()));
    }

    private static TimestepSpacing spacing(SchedulerConfig config, TimestepSpacing samplerDefault) {
        return TimestepSpacing.fromConfig(config.timestepSpacing(), samplerDefault);
    }
}
