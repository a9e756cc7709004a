package dev.sdbot.inference.sampling;

import ai.djl.ndarray.NDArray;

import java.util.List;

/**
 * diffusers 0.21 DPMSolverMultistepScheduler, algorithm dpmsolver++, order 2, midpoint solver,
 * lower_order_final: "DPM++ 2M", optionally with Karras sigmas. As in that version, the Karras
 * schedule only picks the (rounded, integer) timesteps; the update uses the training alphas at them.
 */
public final class DpmSolverMultistepSampler extends AlphaSampler {
    private final LogSnrTable table;
    private final double[] sigmas;
    private NDArray lastOutput;
    private int lowerOrderNums;

    public DpmSolverMultistepSampler(NoiseSchedule schedule, PredictionType prediction, TimestepSpacing spacing,
                                     int steps, int stepsOffset, boolean karras) {
        super(schedule, prediction, karras ? karrasTimesteps(schedule, steps) : spacedTimesteps(spacing,
                schedule.size(), steps, stepsOffset));
        this.sigmas = karras ? karrasSigmas(schedule.sigmas(), steps) : toDouble(schedule.sigmas());
        this.table = new LogSnrTable(schedule);
    }

    /** steps + 1 points over [0, last], dropping the final 0 (lambda_min_clipped = -inf keeps all 1000). */
    static double[] spacedTimesteps(TimestepSpacing spacing, int train, int steps, int stepsOffset) {
        double[] t = new double[steps];
        switch (spacing) {
            case LINSPACE -> {
                double[] lin = Timesteps.numpyLinspace(0, train - 1, steps + 1);
                for (int i = 0; i < steps; i++) {
                    t[i] = Math.rint(lin[steps - i]);
                }
            }
            case LEADING -> {
                int ratio = train / (steps + 1);
                for (int i = 0; i < steps; i++) {
                    t[i] = (double) (steps - i) * ratio + stepsOffset;
                }
            }
            case TRAILING -> t = Timesteps.spaced(spacing, train, steps, stepsOffset);
        }
        return unique(t);
    }

    /** Karras sigmas (rho = 7) mapped back to timesteps by log-sigma interpolation and rounded. */
    private static double[] karrasTimesteps(NoiseSchedule schedule, int steps) {
        float[] training = schedule.sigmas();
        double[] logSigmas = new double[training.length];
        for (int i = 0; i < training.length; i++) {
            logSigmas[i] = (float) Math.log(training[i]);
        }
        double[] sigmas = karrasSigmas(training, steps);
        double[] t = new double[steps];
        for (int i = 0; i < steps; i++) {
            t[steps - 1 - i] = Math.rint(sigmaToT(sigmas[i], logSigmas));
        }
        return unique(t);
    }

    /** diffusers 0.21 takes sigma_min from the END of the ascending training sigmas, so these ascend. */
    private static double[] karrasSigmas(float[] training, int steps) {
        double minInvRho = Math.pow(training[training.length - 1], 1 / 7.0);
        double maxInvRho = Math.pow(training[0], 1 / 7.0);
        double[] ramp = Timesteps.numpyLinspace(0, 1, steps);
        double[] sigmas = new double[steps];
        for (int i = 0; i < steps; i++) {
            sigmas[i] = Math.pow(maxInvRho + ramp[i] * (minInvRho - maxInvRho), 7.0);
        }
        return sigmas;
    }

    private static double[] toDouble(float[] values) {
        double[] d = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            d[i] = values[i];
        }
        return d;
    }

    /** What diffusers keeps as {@code sigmas}: the Karras sigmas, or the training sigmas. */
    public double[] sigmas() {
        return sigmas.clone();
    }

    private static double sigmaToT(double sigma, double[] logSigmas) {
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

    /** Drops repeated timesteps, keeping first occurrences in order (np.unique with return_index). */
    private static double[] unique(double[] t) {
        return java.util.Arrays.stream(t).distinct().toArray();
    }

    @Override
    public List<NDArray> history() {
        return lastOutput == null ? List.of() : List.of(lastOutput);
    }

    @Override
    public NDArray step(NDArray modelOutput, int index, NDArray sample, NoiseSource noise) {
        int s0 = timestep(index);
        int t = index == timesteps.length - 1 ? 0 : timestep(index + 1);
        boolean lowerOrderFinal = index == timesteps.length - 1 && timesteps.length < 15;
        NDArray x0 = convertModelOutput(modelOutput, s0, sample);
        NDArray previous;
        if (lowerOrderNums < 1 || lowerOrderFinal) {
            previous = firstOrderUpdate(x0, s0, t, sample);
        } else {
            previous = secondOrderUpdate(x0, lastOutput, s0, timestep(index - 1), t, sample);
        }
        lastOutput = x0;
        if (lowerOrderNums < 2) {
            lowerOrderNums++;
        }
        return previous;
    }

    private NDArray convertModelOutput(NDArray modelOutput, int t, NDArray sample) {
        if (prediction == PredictionType.EPSILON) {
            return sample.sub(modelOutput.mul(table.sigma(t))).div(table.alpha(t));
        }
        return sample.mul(table.alpha(t)).sub(modelOutput.mul(table.sigma(t)));
    }

    private NDArray firstOrderUpdate(NDArray x0, int s, int t, NDArray sample) {
        float h = table.lambda(t) - table.lambda(s);
        float coeff = table.alpha(t) * ((float) Math.exp(-h) - 1f);
        return sample.mul(table.sigma(t) / table.sigma(s)).sub(x0.mul(coeff));
    }

    private NDArray secondOrderUpdate(NDArray m0, NDArray m1, int s0, int s1, int t, NDArray sample) {
        float h = table.lambda(t) - table.lambda(s0);
        float h0 = table.lambda(s0) - table.lambda(s1);
        float r0 = h0 / h;
        NDArray d1 = m0.sub(m1).mul(1f / r0);
        float coeff = table.alpha(t) * ((float) Math.exp(-h) - 1f);
        return sample.mul(table.sigma(t) / table.sigma(s0)).sub(m0.mul(coeff)).sub(d1.mul(0.5f * coeff));
    }
}
