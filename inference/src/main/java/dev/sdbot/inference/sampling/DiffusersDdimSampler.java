package dev.sdbot.inference.sampling;

import ai.djl.ndarray.NDArray;

import static dev.sdbot.inference.sampling.DiffusionSampler.sqrt;

/** diffusers DDIMScheduler with eta = 0 (deterministic), no clipping or thresholding. */
public final class DiffusersDdimSampler extends AlphaSampler {
    private final int stepRatio;
    private final float finalAlphaCumprod;

    public DiffusersDdimSampler(NoiseSchedule schedule, PredictionType prediction, TimestepSpacing spacing, int steps,
                       int stepsOffset, boolean setAlphaToOne) {
        super(schedule, prediction, Timesteps.spaced(spacing, schedule.size(), steps, stepsOffset));
        this.stepRatio = schedule.size() / steps;
        this.finalAlphaCumprod = setAlphaToOne ? 1f : schedule.alphaCumprod(0);
    }

    @Override
    public NDArray step(NDArray modelOutput, int index, NDArray sample, NoiseSource noise) {
        int t = timestep(index);
        int prev = t - stepRatio;
        float alpha = schedule.alphaCumprod(t);
        float alphaPrev = prev >= 0 ? schedule.alphaCumprod(prev) : finalAlphaCumprod;
        float beta = 1f - alpha;
        NDArray predOriginal;
        NDArray predEpsilon;
        if (prediction == PredictionType.EPSILON) {
            predOriginal = sample.sub(modelOutput.mul(sqrt(beta))).div(sqrt(alpha));
            predEpsilon = modelOutput;
        } else {
            predOriginal = sample.mul(sqrt(alpha)).sub(modelOutput.mul(sqrt(beta)));
            predEpsilon = modelOutput.mul(sqrt(alpha)).add(sample.mul(sqrt(beta)));
        }
        NDArray direction = predEpsilon.mul(sqrt(1f - alphaPrev));
        return predOriginal.mul(sqrt(alphaPrev)).add(direction);
    }
}
