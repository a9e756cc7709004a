package dev.sdbot.inference.sampling;

import ai.djl.ndarray.NDArray;

import static dev.sdbot.inference.sampling.DiffusionSampler.sqrt;

/** diffusers EulerAncestralDiscreteScheduler: an Euler step down to sigma_down, then fresh noise of sigma_up. */
public final class EulerAncestralSampler extends SigmaSampler {

    public EulerAncestralSampler(NoiseSchedule schedule, PredictionType prediction, TimestepSpacing spacing,
                                 int steps, int stepsOffset) {
        super(schedule, prediction, spacing, steps, stepsOffset, true);
    }

    @Override
    public boolean usesStepNoise() {
        return true;
    }

    @Override
    public NDArray step(NDArray modelOutput, int index, NDArray sample, NoiseSource noise) {
        float sigma = sigmas[index];
        NDArray predOriginal = predictOriginal(modelOutput, sample, sigma);
        float sigmaFrom = sigmas[index];
        float sigmaTo = sigmas[index + 1];
        float sigmaUp = sqrt(sigmaTo * sigmaTo * (sigmaFrom * sigmaFrom - sigmaTo * sigmaTo) / (sigmaFrom * sigmaFrom));
        float sigmaDown = sqrt(sigmaTo * sigmaTo - sigmaUp * sigmaUp);
        NDArray derivative = sample.sub(predOriginal).div(sigma);
        float dt = sigmaDown - sigma;
        NDArray previous = sample.add(derivative.mul(dt));
        NDArray fresh = noise.next(sample.getManager(), modelOutput.getShape());
        return previous.add(fresh.mul(sigmaUp));
    }
}
