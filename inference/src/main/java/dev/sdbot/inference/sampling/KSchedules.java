package dev.sdbot.inference.sampling;

import java.util.Arrays;

/**
 * A1111's {@code KDiffusionSampler.get_sigmas}: the model's uniform-in-t schedule, or Karras sigmas for the
 * "Karras" samplers; DPM2 computes one sigma more and drops the next-to-last (A1111's
 * {@code discard_next_to_last_sigma}), so its last real step is not a tiny one.
 */
final class KSchedules {
    private KSchedules() {
    }

    static double[] sigmas(DiscreteSigmas training, int steps, boolean karras, boolean discardNextToLast) {
        int n = discardNextToLast ? steps + 1 : steps;
        double[] sigmas = karras ? training.karras(n) : training.uniform(n);
        if (!discardNextToLast) {
            return sigmas;
        }
        double[] out = Arrays.copyOf(sigmas, sigmas.length - 1);
        out[out.length - 1] = sigmas[sigmas.length - 1];
        return out;
    }
}
