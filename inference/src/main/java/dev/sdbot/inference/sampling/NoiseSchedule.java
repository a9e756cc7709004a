package dev.sdbot.inference.sampling;

import dev.sdbot.inference.model.SchedulerConfig;

/**
 * The training noise schedule, computed the way torch does it in diffusers: betas in float32
 * ({@code torch.linspace}), {@code cumprod} accumulated in double (torch's CPU accumulation type for
 * float) and stored as float32. Every derived table stays float32 like the diffusers tensors.
 */
public final class NoiseSchedule {
    private final float[] alphasCumprod;

    private NoiseSchedule(float[] alphasCumprod) {
        this.alphasCumprod = alphasCumprod;
    }

    public static NoiseSchedule of(SchedulerConfig config) {
        int n = config.numTrainTimesteps();
        if (n < 2) {
            throw new IllegalArgumentException("num_train_timesteps must be at least 2, got " + n);
        }
        float[] betas;
        switch (config.betaSchedule()) {
            case "scaled_linear" -> {
                betas = torchLinspace((float) Math.sqrt(config.betaStart()), (float) Math.sqrt(config.betaEnd()), n);
                for (int i = 0; i < n; i++) {
                    betas[i] = betas[i] * betas[i];
                }
            }
            case "linear" -> betas = torchLinspace((float) config.betaStart(), (float) config.betaEnd(), n);
            default -> throw new IllegalArgumentException("unsupported beta_schedule '" + config.betaSchedule()
                    + "' (expected scaled_linear or linear)");
        }
        float[] cumprod = new float[n];
        double acc = 1.0;
        for (int i = 0; i < n; i++) {
            acc *= (1f - betas[i]);
            cumprod[i] = (float) acc;
        }
        return new NoiseSchedule(cumprod);
    }

    /** torch.linspace for float32 on CPU: the first half counts up from start, the second half down from end. */
    static float[] torchLinspace(float start, float end, int steps) {
        float[] out = new float[steps];
        float step = (end - start) / (steps - 1);
        int halfway = steps / 2;
        for (int i = 0; i < steps; i++) {
            out[i] = i < halfway ? start + step * i : end - step * (steps - i - 1);
        }
        return out;
    }

    public int size() {
        return alphasCumprod.length;
    }

    /** alphas_cumprod[t] (float32). */
    public float alphaCumprod(int t) {
        return alphasCumprod[t];
    }

    public float[] alphasCumprod() {
        return alphasCumprod.clone();
    }

    /** ((1 - alphas_cumprod) / alphas_cumprod) ** 0.5 in float32, ascending with t. */
    public float[] sigmas() {
        float[] s = new float[alphasCumprod.length];
        for (int i = 0; i < s.length; i++) {
            float a = alphasCumprod[i];
            s[i] = (float) Math.sqrt((1f - a) / a);
        }
        return s;
    }
}
