package dev.sdbot.inference.sampling;

import ai.djl.ndarray.NDArray;

import static dev.sdbot.inference.sampling.DiffusionSampler.sqrt;

/**
 * diffusers' LCMScheduler (0.22+; its defaults: 50 original inference steps, timestep scaling 10, no clipping): the
 * timesteps are picked evenly from the distillation schedule 999, 979, ..., 19 (4 steps: 999, 759, 499, 259); each
 * step predicts x0, applies LCM's boundary condition and, except at the last step, re-noises it to the next
 * timestep with fresh noise. The last step's sample is the denoised estimate.
 */
public final class LcmSampler extends AlphaSampler {
    private static final double SIGMA_DATA = 0.5;
    private static final double TIMESTEP_SCALING = 10.0;

    public LcmSampler(NoiseSchedule schedule, PredictionType prediction, int steps) {
        super(schedule, prediction, timesteps(schedule.size(), steps));
    }

    /** {@code set_timesteps(steps)} with strength 1. */
    static double[] timesteps(int train, int steps) {
        int original = KLcmSampler.ORIGINAL_STEPS;
        if (steps > original) {
            throw new IllegalArgumentException("LCM runs at most " + original + " steps, got " + steps);
        }
        int k = train / original;
        double[] indices = Timesteps.numpyLinspace(0, original, steps + 1); // linspace(0, 50, n, endpoint=False)
        double[] t = new double[steps];
        for (int i = 0; i < steps; i++) {
            int index = (int) Math.floor(indices[i]);
            t[i] = (double) (original - index) * k - 1; // lcm_origin_timesteps reversed
        }
        return t;
    }

    @Override
    public boolean usesStepNoise() {
        return true;
    }

    @Override
    public NDArray step(NDArray modelOutput, int index, NDArray sample, NoiseSource noise) {
        int t = timestep(index);
        float alpha = schedule.alphaCumprod(t);
        float beta = 1f - alpha;
        NDArray predOriginal = prediction == PredictionType.EPSILON
                ? sample.sub(modelOutput.mul(sqrt(beta))).div(sqrt(alpha))
                : sample.mul(sqrt(alpha)).sub(modelOutput.mul(sqrt(beta)));
        // diffusers computes the scalings from the long timestep tensor in float32
        float scaled = (float) (t * TIMESTEP_SCALING);
        float cSkip = (float) (SIGMA_DATA * SIGMA_DATA) / (scaled * scaled + (float) (SIGMA_DATA * SIGMA_DATA));
        float cOut = scaled / sqrt(scaled * scaled + (float) (SIGMA_DATA * SIGMA_DATA));
        NDArray denoised = predOriginal.mul(cOut).add(sample.mul(cSkip));
        if (index == timesteps.length - 1) {
            return denoised;
        }
        float alphaPrev = schedule.alphaCumprod(timestep(index + 1));
        NDArray fresh = noise.next(sample.getManager(), modelOutput.getShape());
        return denoised.mul(sqrt(alphaPrev)).add(fresh.mul(sqrt(1f - alphaPrev)));
    }
}
