package dev.sdbot.inference.sampling;

import ai.djl.ndarray.NDArray;

import java.util.ArrayList;
import java.util.List;

/**
 * diffusers LMSDiscreteScheduler (order 4). The coefficient of each past derivative is the integral of
 * a Lagrange basis polynomial in sigma over [sigma_i, sigma_i+1]; diffusers uses scipy's quad, here
 * 4-point Gauss-Legendre, exact for these polynomials of degree &lt;= 3.
 */
public final class LmsSampler extends SigmaSampler {
    private static final int ORDER = 4;
    private static final double[] GL_NODES;
    private static final double[] GL_WEIGHTS;

    static {
        double inner = Math.sqrt(3.0 / 7 - 2.0 / 7 * Math.sqrt(6.0 / 5));
        double outer = Math.sqrt(3.0 / 7 + 2.0 / 7 * Math.sqrt(6.0 / 5));
        double wInner = (18 + Math.sqrt(30)) / 36;
        double wOuter = (18 - Math.sqrt(30)) / 36;
        GL_NODES = new double[] {-outer, -inner, inner, outer};
        GL_WEIGHTS = new double[] {wOuter, wInner, wInner, wOuter};
    }

    private final List<NDArray> derivatives = new ArrayList<>();
    private final double[] wideSigmas;

    public LmsSampler(NoiseSchedule schedule, PredictionType prediction, TimestepSpacing spacing, int steps,
                      int stepsOffset) {
        super(schedule, prediction, spacing, steps, stepsOffset, false);
        this.wideSigmas = new double[sigmas.length];
        for (int i = 0; i < sigmas.length; i++) {
            wideSigmas[i] = sigmas[i];
        }
    }

    @Override
    public List<NDArray> history() {
        return List.copyOf(derivatives);
    }

    @Override
    public NDArray step(NDArray modelOutput, int index, NDArray sample, NoiseSource noise) {
        float sigma = sigmas[index];
        NDArray predOriginal = predictOriginal(modelOutput, sample, sigma);
        derivatives.add(sample.sub(predOriginal).div(sigma));
        if (derivatives.size() > ORDER) {
            derivatives.remove(0);
        }
        int order = Math.min(index + 1, ORDER);
        // Like diffusers' zip(): when starting mid-schedule (img2img) fewer derivatives than coefficients exist.
        int terms = Math.min(order, derivatives.size());
        NDArray sum = null;
        for (int k = 0; k < terms; k++) {
            float coeff = (float) coefficient(wideSigmas, order, index, k);
            NDArray term = derivatives.get(derivatives.size() - 1 - k).mul(coeff);
            sum = sum == null ? term : sum.add(term);
        }
        return sample.add(sum);
    }

    /** Integral over [sigma_t, sigma_t+1] of prod_{k != current} (tau - sigma_{t-k}) / (sigma_{t-current} - sigma_{t-k}). */
    static double coefficient(double[] sigmas, int order, int t, int current) {
        double a = sigmas[t];
        double b = sigmas[t + 1];
        double half = (b - a) / 2;
        double mid = (a + b) / 2;
        double integral = 0;
        for (int n = 0; n < GL_NODES.length; n++) {
            double tau = mid + half * GL_NODES[n];
            double prod = 1.0;
            for (int k = 0; k < order; k++) {
                if (k != current) {
                    prod *= (tau - sigmas[t - k]) / (sigmas[t - current] - sigmas[t - k]);
                }
            }
            integral += GL_WEIGHTS[n] * prod;
        }
        return integral * half;
    }
}
