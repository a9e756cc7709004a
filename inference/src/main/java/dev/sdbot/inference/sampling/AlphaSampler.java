package dev.sdbot.inference.sampling;

import ai.djl.ndarray.NDArray;

import static dev.sdbot.inference.sampling.DiffusionSampler.sqrt;

/** Samplers that work on alphas_cumprod at integer timesteps (DDIM, PLMS, DPM++): unit start noise. */
abstract class AlphaSampler implements DiffusionSampler {
    protected final NoiseSchedule schedule;
    protected final PredictionType prediction;
    protected final double[] timesteps;

    AlphaSampler(NoiseSchedule schedule, PredictionType prediction, double[] timesteps) {
        this.schedule = schedule;
        this.prediction = prediction;
        this.timesteps = timesteps;
    }

    @Override
    public double[] timesteps() {
        return timesteps.clone();
    }

    @Override
    public float initNoiseSigma() {
        return 1f;
    }

    @Override
    public NDArray scaleModelInput(NDArray sample, int index) {
        return sample;
    }

    @Override
    public NDArray addNoise(NDArray original, NDArray noise, int index) {
        float a = schedule.alphaCumprod((int) timesteps[index]);
        return original.mul(sqrt(a)).add(noise.mul(sqrt(1f - a)));
    }

    protected int timestep(int index) {
        return (int) timesteps[index];
    }
}
