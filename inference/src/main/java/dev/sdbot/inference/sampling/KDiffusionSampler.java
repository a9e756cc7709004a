package dev.sdbot.inference.sampling;

import ai.djl.ndarray.NDArray;

/**
 * A k-diffusion sampler as A1111 runs it: the sample lives at noise level sigma (start latents
 * noise * sigmas[0]), the model sees {@code x / sqrt(sigma^2 + 1)} at the continuous timestep of sigma
 * (k-diffusion's CompVisDenoiser / CompVisVDenoiser), and each call's output becomes the denoised
 * estimate that the sampler's update uses. Model settings such as timestep_spacing do not apply.
 */
public abstract class KDiffusionSampler implements DiffusionSampler {
    protected final PredictionType prediction;
    /** The sigma schedule, ending in 0. */
    protected final double[] sigmas;
    /** The noise level of each model call. */
    protected final double[] callSigmas;
    private final double[] timesteps;

    KDiffusionSampler(DiscreteSigmas training, PredictionType prediction, double[] sigmas, double[] callSigmas) {
        this(prediction, sigmas, callSigmas, continuousTimesteps(training, callSigmas));
    }

    /** A sampler whose model sees {@code timesteps} (one per call) rather than the continuous t of each sigma. */
    KDiffusionSampler(PredictionType prediction, double[] sigmas, double[] callSigmas, double[] timesteps) {
        this.prediction = prediction;
        this.sigmas = sigmas;
        this.callSigmas = callSigmas;
        this.timesteps = timesteps;
    }

    private static double[] continuousTimesteps(DiscreteSigmas training, double[] callSigmas) {
        double[] t = new double[callSigmas.length];
        for (int i = 0; i < callSigmas.length; i++) {
            t[i] = training.sigmaToT(callSigmas[i]);
        }
        return t;
    }

    /** One call per step: the schedule without its trailing 0. */
    static double[] oneCallPerStep(double[] sigmas) {
        return java.util.Arrays.copyOf(sigmas, sigmas.length - 1);
    }

    @Override
    public double[] timesteps() {
        return timesteps.clone();
    }

    public double[] sigmas() {
        return sigmas.clone();
    }

    public double[] callSigmas() {
        return callSigmas.clone();
    }

    @Override
    public float initNoiseSigma() {
        return (float) sigmas[0];
    }

    @Override
    public NDArray scaleModelInput(NDArray sample, int index) {
        double sigma = callSigmas[index];
        return sample.mul((float) (1 / Math.sqrt(sigma * sigma + 1)));
    }

    @Override
    public NDArray addNoise(NDArray original, NDArray noise, int index) {
        return original.add(noise.mul((float) callSigmas[index]));
    }

    @Override
    public final NDArray step(NDArray modelOutput, int index, NDArray sample, NoiseSource noise) {
        return advance(denoised(modelOutput, sample, index), index, sample, noise);
    }

    /** The sample after call {@code index}, given that call's denoised estimate. */
    protected abstract NDArray advance(NDArray denoised, int index, NDArray sample, NoiseSource noise);

    /** The denoised estimate of call {@code index} (k-diffusion's CompVisDenoiser / CompVisVDenoiser). */
    protected NDArray denoised(NDArray modelOutput, NDArray sample, int index) {
        double sigma = callSigmas[index];
        if (prediction == PredictionType.EPSILON) {
            return sample.sub(modelOutput.mul((float) sigma));
        }
        double variance = sigma * sigma + 1;
        return modelOutput.mul((float) (-sigma / Math.sqrt(variance))).add(sample.mul((float) (1 / variance)));
    }

    /** The Karras ODE derivative (x - denoised) / sigma. */
    protected static NDArray derivative(NDArray x, double sigma, NDArray denoised) {
        return x.sub(denoised).mul((float) (1 / sigma));
    }
}
