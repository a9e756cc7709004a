package dev.sdbot.inference.sampling;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleBinaryOperator;

/**
 * The call layout of second-order k-diffusion samplers (Heun, DPM2, DPM++ SDE): two model calls per step,
 * the second at a noise level between sigma and the next sigma, except a step down to sigma 0, which is
 * a single Euler call. The pipeline sees one timestep per call, as diffusers' Heun scheduler does.
 */
final class TwoCallSteps {
    private final int[] stepOfCall;
    private final boolean[] secondCall;
    private final double[] callSigmas;

    private TwoCallSteps(int[] stepOfCall, boolean[] secondCall, double[] callSigmas) {
        this.stepOfCall = stepOfCall;
        this.secondCall = secondCall;
        this.callSigmas = callSigmas;
    }

    /** @param secondSigma (sigma, next sigma) → the noise level of the step's second call */
    static TwoCallSteps of(double[] sigmas, DoubleBinaryOperator secondSigma) {
        List<double[]> calls = new ArrayList<>();
        for (int i = 0; i < sigmas.length - 1; i++) {
            calls.add(new double[] {i, 0, sigmas[i]});
            if (sigmas[i + 1] != 0) {
                calls.add(new double[] {i, 1, secondSigma.applyAsDouble(sigmas[i], sigmas[i + 1])});
            }
        }
        int n = calls.size();
        int[] step = new int[n];
        boolean[] second = new boolean[n];
        double[] sigma = new double[n];
        for (int c = 0; c < n; c++) {
            step[c] = (int) calls.get(c)[0];
            second[c] = calls.get(c)[1] == 1;
            sigma[c] = calls.get(c)[2];
        }
        return new TwoCallSteps(step, second, sigma);
    }

    double[] callSigmas() {
        return callSigmas.clone();
    }

    int step(int call) {
        return stepOfCall[call];
    }

    boolean second(int call) {
        return secondCall[call];
    }

    int firstCallOf(int step) {
        for (int c = 0; c < stepOfCall.length; c++) {
            if (stepOfCall[c] == step) {
                return c;
            }
        }
        return stepOfCall.length;
    }

    /** exp of the midpoint of log sigma and log next (DPM2's sigma_mid, DPM++ SDE's s at r = 1/2). */
    static double logMidpoint(double sigma, double next) {
        double logSigma = Math.log(sigma);
        return Math.exp(logSigma + 0.5 * (Math.log(next) - logSigma));
    }
}
