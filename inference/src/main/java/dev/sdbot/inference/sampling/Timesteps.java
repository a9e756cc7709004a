package dev.sdbot.inference.sampling;

/** diffusers' set_timesteps spacings, with numpy's arithmetic (linspace, arange, round half to even). */
final class Timesteps {
    private Timesteps() {
    }

    /** Descending timesteps for {@code steps} inference steps out of {@code train} training steps. */
    static double[] spaced(TimestepSpacing spacing, int train, int steps, int stepsOffset) {
        double[] t = new double[steps];
        switch (spacing) {
            case LINSPACE -> {
                double[] lin = numpyLinspace(0, train - 1, steps);
                for (int i = 0; i < steps; i++) {
                    t[i] = Math.rint(lin[steps - 1 - i]);
                }
            }
            case LEADING -> {
                int ratio = train / steps;
                for (int i = 0; i < steps; i++) {
                    t[i] = (double) (steps - 1 - i) * ratio + stepsOffset;
                }
            }
            case TRAILING -> {
                double ratio = (double) train / steps;
                for (int i = 0; i < steps; i++) {
                    t[i] = Math.rint(train + i * -ratio) - 1;
                }
            }
        }
        return t;
    }

    /** Like {@link #spaced} but without rounding linspace values (k-diffusion samplers keep fractions). */
    static double[] fractional(TimestepSpacing spacing, int train, int steps, int stepsOffset) {
        if (spacing != TimestepSpacing.LINSPACE) {
            return spaced(spacing, train, steps, stepsOffset);
        }
        double[] lin = numpyLinspace(0, train - 1, steps);
        double[] t = new double[steps];
        for (int i = 0; i < steps; i++) {
            t[i] = lin[steps - 1 - i];
        }
        return t;
    }

    /** numpy.linspace(start, stop, num): i * step + start, the last value exactly stop. */
    static double[] numpyLinspace(double start, double stop, int num) {
        double[] y = new double[num];
        int div = num - 1;
        if (div == 0) {
            y[0] = start;
            return y;
        }
        double step = (stop - start) / div;
        for (int i = 0; i < num; i++) {
            y[i] = i * step + start;
        }
        y[num - 1] = stop;
        return y;
    }

    /** numpy.interp(x, [0, 1, ..., n-1], fp). */
    static double interp(double x, float[] fp) {
        int n = fp.length;
        if (x <= 0) {
            return fp[0];
        }
        if (x >= n - 1) {
            return fp[n - 1];
        }
        int j = (int) Math.floor(x);
        if (x == j) {
            return fp[j];
        }
        double slope = (double) fp[j + 1] - fp[j]; // divided by xp[j + 1] - xp[j] = 1
        return slope * (x - j) + fp[j];
    }
}
