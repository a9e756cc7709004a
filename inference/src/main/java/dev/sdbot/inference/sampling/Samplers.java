package dev.sdbot.inference.sampling;

import dev.sdbot.inference.api.Sampler;
import dev.sdbot.inference.model.SchedulerConfig;

/**
 * Builds the diffusers scheduler behind each {@link Sampler} from the model's training schedule, the
 * way {@code XScheduler.from_config(pipe.scheduler.config)} does: settings the model config lacks take
 * the sampler's own default (DDIM and PLMS "leading" spacing, the others "linspace").
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
        return switch (sampler) {
            case DDIM -> new DdimSampler(schedule, prediction, spacing(config, TimestepSpacing.LEADING), steps, offset,
                    config.setAlphaToOne());
            case PLMS -> new PlmsSampler(schedule, prediction, spacing(config, TimestepSpacing.LEADING), steps, offset,
                    config.setAlphaToOne());
            case EULER -> new EulerSampler(schedule, prediction, spacing(config, TimestepSpacing.LINSPACE), steps, offset);
            case EULER_A -> new EulerAncestralSampler(schedule, prediction, spacing(config, TimestepSpacing.LINSPACE),
                    steps, offset);
            case LMS -> new LmsSampler(schedule, prediction, spacing(config, TimestepSpacing.LINSPACE), steps, offset);
            case DPMPP_2M -> new DpmSolverMultistepSampler(schedule, prediction,
                    spacing(config, TimestepSpacing.LINSPACE), steps, offset, false);
            case DPMPP_2M_KARRAS -> new DpmSolverMultistepSampler(schedule, prediction,
                    spacing(config, TimestepSpacing.LINSPACE), steps, offset, true);
        };
    }

    private static TimestepSpacing spacing(SchedulerConfig config, TimestepSpacing samplerDefault) {
        return TimestepSpacing.fromConfig(config.timestepSpacing(), samplerDefault);
    }
}
