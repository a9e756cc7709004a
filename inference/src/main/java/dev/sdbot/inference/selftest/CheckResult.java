package dev.sdbot.inference.selftest;

/**
 * The outcome of one parity check against a reference output.
 *
 * @param name      what was compared, e.g. "mini-sd15 text.hidden"
 * @param relError  relative L2 error {@code |a - b| / |b|}, or for exact checks the fraction of
 *                  differing elements
 * @param tolerance largest acceptable {@code relError}
 * @param passed    {@code relError <= tolerance} (false for NaN)
 */
public record CheckResult(String name, double relError, double tolerance, boolean passed) {

    public static CheckResult of(String name, double relError, double tolerance) {
        return new CheckResult(name, relError, tolerance, relError <= tolerance);
    }

    /** Relative L2 error of {@code actual} against {@code expected}. */
    public static CheckResult relative(String name, float[] actual, float[] expected, double tolerance) {
        if (actual.length != expected.length) {
            return new CheckResult(name + " (size " + actual.length + " != " + expected.length + ")",
                    Double.POSITIVE_INFINITY, tolerance, false);
        }
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < actual.length; i++) {
            double d = (double) actual[i] - expected[i];
            diff += d * d;
            norm += (double) expected[i] * expected[i];
        }
        double rel = norm == 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
        return of(name, rel, tolerance);
    }

    /** Exact comparison: the fraction of elements that differ must be 0. */
    public static CheckResult exact(String name, float[] actual, float[] expected) {
        if (actual.length != expected.length) {
            return new CheckResult(name + " (size " + actual.length + " != " + expected.length + ")", 1, 0, false);
        }
        int differing = 0;
        for (int i = 0; i < actual.length; i++) {
            if (actual[i] != expected[i]) { // NaN counts as different, -0 equals 0
                differing++;
            }
        }
        return of(name, actual.length == 0 ? 0 : (double) differing / actual.length, 0);
    }

    @Override
    public String toString() {
        return String.format("%s %s: rel %.3g (tolerance %.3g)", passed ? "PASS" : "FAIL", name, relError, tolerance);
    }
}
