package dev.sdbot.inference.sampling;

import ai.djl.ndarray.NDArray;

/**
 * A1111's "LCM" sampler ({@code modules/sd_samplers_lcm.py}) for Latent Consistency Models and LCM-LoRAs. The
 * model is wrapped in {@code LCMCompVisDenoiser}: its noise levels are the 50 timesteps LCM was distilled on
 * (19, 39, ..., 999), the schedule is n sigmas at t = linspace(999, 19, n) interpolated between them, the model
 * is called at the distilled timestep nearest to each sigma, and its denoised estimate gets LCM's boundary
 * condition ({@code c_skip}, {@code c_out} with sigma_data 0.5 and timestep scaling 10). Each step jumps to that
 * estimate and re-noises it to the next sigma ({@code sample_lcm}). Epsilon-prediction only, as in A1111.
 */
public final class KLcmSampler extends KDiffusionSampler {
    /** LCM's distillation schedule length (A1111's {@code original_timesteps}). */
    static final int ORIGINAL_STEPS = dev.sdbot.inference.api.Sampler.LCM_ORIGINAL_STEPS;
    private static final double SIGMA_DATA = 0.5;
    private static final double TIMESTEP_SCALING = 10.0;

    private KLcmSampler(double[] sigmas, double[] timesteps) {
        super(PredictionType.EPSILON, sigmas, oneCallPerStep(sigmas), timesteps);
    }

    public static KLcmSampler create(NoiseSchedule schedule, PredictionType prediction, int steps) {
        if (prediction != PredictionType.EPSILON) {
            throw new IllegalArgumentException("the LCM sampler (as A1111's) needs an epsilon-prediction model;"
                    + " use lcm_diffusers for v-prediction models");
        }
        if (steps > ORIGINAL_STEPS) {
            throw new IllegalArgumentException("LCM runs at most " + ORIGINAL_STEPS + " steps, got " + steps);
        }
        int skip = schedule.size() / ORIGINAL_STEPS;
        float[] training = schedule.sigmas();
        double[] logValid = new double[ORIGINAL_STEPS];
        for (int i = 0; i < ORIGINAL_STEPS; i++) {
            logValid[i] = Math.log(training[schedule.size() - 1 - (ORIGINAL_STEPS - 1 - i) * skip]);
        }
        double[] t = Timesteps.numpyLinspace((ORIGINAL_STEPS - 1) * skip + skip - 1, skip - 1, steps);
        double[] sigmas = new double[steps + 1];
        double[] timesteps = new double[steps];
        for (int i = 0; i < steps; i++) {
            double index = Math.min(Math.max((t[i] - (skip - 1)) / skip, 0), ORIGINAL_STEPS - 1);
            sigmas[i] = interpolate(logValid, index);
            timesteps[i] = nearest(logValid, Math.log(sigmas[i])) * skip + skip - 1;
        }
        return new KLcmSampler(sigmas, timesteps);
    }

    /** k-diffusion's {@code t_to_sigma} over the distilled noise levels. */
    private static double interpolate(double[] logSigmas, double t) {
        int low = (int) Math.floor(t);
        int high = (int) Math.ceil(t);
        double w = t - low;
        return Math.exp((1 - w) * logSigmas[low] + w * logSigmas[high]);
    }

    /** {@code argmin |log sigma - log_sigmas|} (the first on a tie, as torch's argmin). */
    private static int nearest(double[] logSigmas, double logSigma) {
        int best = 0;
        for (int i = 1; i < logSigmas.length; i++) {
            if (Math.abs(logSigma - logSigmas[i]) < Math.abs(logSigma - logSigmas[best])) {
                best = i;
            }
        }
        return best;
    }

    @Override
    public boolean usesStepNoise() {
        return true;
    }

    @Override
    protected NDArray denoised(NDArray modelOutput, NDArray sample, int index) {
        NDArray x0 = super.denoised(modelOutput, sample, index);
        double scaled = timesteps()[index] * TIMESTEP_SCALING;
        double cSkip = SIGMA_DATA * SIGMA_DATA / (scaled * scaled + SIGMA_DATA * SIGMA_DATA);
        double cOut = scaled / Math.sqrt(scaled * scaled + SIGMA_DATA * SIGMA_DATA);
        return x0.mul((float) cOut).add(sample.mul((float) cSkip));
    }

    @Override
    protected NDArray advance(NDArray denoised, int i, NDArray x, NoiseSource noise) {
        if (sigmas[i + 1] <= 0) {
            return denoised;
        }
        return denoised.add(noise.next(x.getManager(), x.getShape()).mul((float) sigmas[i + 1]));
    }
}
