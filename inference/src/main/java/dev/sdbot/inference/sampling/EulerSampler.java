package dev.sdbot.inference.sampling;

import ai.djl.ndarray.NDArray;

/** diffusers EulerDiscreteScheduler (no churn: s_churn = 0, so sigma_hat = sigma). */
public final class EulerSampler extends SigmaSampler {

    public EulerSampler(NoiseSchedule schedule, PredictionType prediction, TimestepSpacing spacing, int steps,
                        int stepsOffset) {
        super(schedule, prediction, spacing, steps, stepsOffset, true);
    }

    @Override
    public NDArray step(NDArray modelOutput, int index, NDArray sample, NoiseSource noise) {
        float sigmaHat = sigmas[index];
        NDArray predOriginal = predictOriginal(modelOutput, sample, sigmaHat);
        NDArray derivative = sample.sub(predOriginal).div(sigmaHat);
        float dt = sigmas[index + 1] - sigmaHat;
        return sample.add(derivative.mul(dt));
    }
}
