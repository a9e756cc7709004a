package dev.sdbot.inference.sampling;

/**
 * The training noise levels as k-diffusion's {@code DiscreteSchedule} sees them (what A1111 wraps every
 * SD model in): the float32 training sigmas, continuous timesteps by interpolating log sigma
 * ({@code quantize=False}), and the two sigma schedules A1111 builds from them.
 */
public final class DiscreteSigmas {
    private static final double RHO = 7.0;
    private final double[] sigmas;
    private final double[] logSigmas;

    private DiscreteSigmas(double[] sigmas) {
        this.sigmas = sigmas;
        this.logSigmas = new double[sigmas.length];
        for (int i = 0; i < sigmas.length; i++) {
            logSigmas[i] = Math.log(sigmas[i]);
        }
    }

    public static DiscreteSigmas of(NoiseSchedule schedule) {
        float[] training = schedule.sigmas();
        double[] s = new double[training.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = training[i];
        }
        return new DiscreteSigmas(s);
    }

    /** {@code get_sigmas(n)}: the sigmas at t = linspace(t_max, 0, n), then a trailing 0. */
    public double[] uniform(int n) {
        double[] t = Timesteps.numpyLinspace(sigmas.length - 1, 0, n);
        double[] out = new double[n + 1];
        for (int i = 0; i < n; i++) {
            out[i] = tToSigma(t[i]);
        }
        return out;
    }

    /**
     * A1111's "SGM Uniform" schedule ({@code sd_schedulers.sgm_uniform}): n sigmas at t = linspace(t(sigma_max),
     * t(sigma_min), n + 1) without its last point, then a trailing 0. The timesteps are spaced as diffusers'
     * "trailing" spacing (999, 749.25, ... for 4 steps), which few-step models (Turbo, Lightning) are trained on.
     */
    public double[] sgmUniform(int n) {
        double[] t = Timesteps.numpyLinspace(sigmaToT(sigmas[sigmas.length - 1]), sigmaToT(sigmas[0]), n + 1);
        double[] out = new double[n + 1];
        for (int i = 0; i < n; i++) {
            out[i] = tToSigma(t[i]);
        }
        return out;
    }

    /**
     * {@code get_sigmas_karras(n, sigma_min, sigma_max, rho=7)} with A1111's bounds, the smallest and largest
     * training sigma, then a trailing 0.
     */
    public double[] karras(int n) {
        double minInvRho = Math.pow(sigmas[0], 1 / RHO);
        double maxInvRho = Math.pow(sigmas[sigmas.length - 1], 1 / RHO);
        double[] ramp = Timesteps.numpyLinspace(0, 1, n);
        double[] out = new double[n + 1];
        for (int i = 0; i < n; i++) {
            out[i] = Math.pow(maxInvRho + ramp[i] * (minInvRho - maxInvRho), RHO);
        }
        return out;
    }

    /** The continuous timestep of a noise level: log sigma interpolated between neighbouring training steps. */
    public double sigmaToT(double sigma) {
        double logSigma = Math.log(sigma);
        int low = 0;
        for (int i = 0; i < logSigmas.length; i++) {
            if (logSigma - logSigmas[i] >= 0) {
                low = i;
            }
        }
        low = Math.min(low, logSigmas.length - 2);
        double w = (logSigmas[low] - logSigma) / (logSigmas[low] - logSigmas[low + 1]);
        w = Math.max(0, Math.min(1, w));
        return (1 - w) * low + w * (low + 1);
    }

    double tToSigma(double t) {
        int low = (int) Math.floor(t);
        int high = (int) Math.ceil(t);
        double w = t - low;
        return Math.exp((1 - w) * logSigmas[low] + w * logSigmas[high]);
    }
}
