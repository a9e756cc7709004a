package dev.sdbot.inference.sampling;

import ai.djl.ndarray.NDArray;

import static dev.sdbot.inference.sampling.DiffusionSampler.sqrt;

/**
 * k-diffusion style samplers (Euler, Euler a, LMS): the sample lives at noise level sigma, the model
 * input is divided by sqrt(sigma^2 + 1). Sigmas are the training sigmas interpolated at the
 * (possibly fractional) timesteps, in float32 with a trailing 0.
 */
public abstract class SigmaSampler implements DiffusionSampler {
    protected final PredictionType prediction;
    protected final double[] timesteps;
    protected final float[] sigmas;
    private final float initNoiseSigma;

    SigmaSampler(NoiseSchedule schedule, PredictionType prediction, TimestepSpacing spacing, int steps,
                 int stepsOffset, boolean float32Timesteps) {
        this.prediction = prediction;
        double[] t = Timesteps.fractional(spacing, schedule.size(), steps, stepsOffset);
        if (float32Timesteps) {
            for (int i = 0; i < t.length; i++) {
                t[i] = (float) t[i];
            }
        }
        this.timesteps = t;
        float[] training = schedule.sigmas();
        this.sigmas = new float[steps + 1];
        float max = 0f;
        for (int i = 0; i < steps; i++) {
            sigmas[i] = (float) Timesteps.interp(t[i], training);
            max = Math.max(max, sigmas[i]);
        }
        this.initNoiseSigma = spacing == TimestepSpacing.LEADING ? sqrt(max * max + 1f) : max;
    }

    @Override
    public double[] timesteps() {
        return timesteps.clone();
    }

    public float[] sigmas() {
        return sigmas.clone();
    }

    @Override
    public float initNoiseSigma() {
        return initNoiseSigma;
    }

    @Override
    public NDArray scaleModelInput(NDArray sample, int index) {
        float sigma = sigmas[index];
        return sample.div(sqrt(sigma * sigma + 1f));
    }

    @Override
    public NDArray addNoise(NDArray original, NDArray noise, int index) {
        return original.add(noise.mul(sigmas[index]));
    }

    /** The denoised sample x0 predicted at noise level sigma. */
    protected NDArray predictOriginal(NDArray modelOutput, NDArray sample, float sigma) {
        if (prediction == PredictionType.EPSILON) {
            return sample.sub(modelOutput.mul(sigma));
        }
        float variance = sigma * sigma + 1f;
        return modelOutput.mul(-sigma / sqrt(variance)).add(sample.div(variance));
    }
}
