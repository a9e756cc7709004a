package dev.sdbot.inference.sampling;

/**
 * The per-timestep tables of diffusers' multistep solvers (DPM-Solver, UniPC), float32 as diffusers keeps
 * them: alpha_t = sqrt(alphas_cumprod), sigma_t = sqrt(1 - alphas_cumprod), lambda_t = log alpha_t - log sigma_t.
 */
final class LogSnrTable {
    private final float[] alpha;
    private final float[] sigma;
    private final float[] lambda;

    LogSnrTable(NoiseSchedule schedule) {
        int n = schedule.size();
        alpha = new float[n];
        sigma = new float[n];
        lambda = new float[n];
        for (int t = 0; t < n; t++) {
            float a = schedule.alphaCumprod(t);
            alpha[t] = DiffusionSampler.sqrt(a);
            sigma[t] = DiffusionSampler.sqrt(1f - a);
            lambda[t] = (float) Math.log(alpha[t]) - (float) Math.log(sigma[t]);
        }
    }

    float alpha(int t) {
        return alpha[t];
    }

    float sigma(int t) {
        return sigma[t];
    }

    float lambda(int t) {
        return lambda[t];
    }
}
