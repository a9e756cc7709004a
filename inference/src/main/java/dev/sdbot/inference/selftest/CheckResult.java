package dev.sdbot.inference.selftest;

/**
 * Outcome of one parity check against a reference tensor.
 *
 * @param relError relative L2 error {@code |a-b|/|b|}, or the fraction of differing elements for exact checks
 */
public record CheckResult(String name, double relError, double tolerance, boolean passed) {

    public static CheckResult of(String name, double relError, double tolerance) {
        return new CheckResult(name, relError, tolerance, relError <= tolerance);
    }

    @Override
    public String toString() {
        return String.format("%s %s: %.3g (tolerance %.3g)", passed ? "PASS" : "FAIL", name, relError, tolerance);
    }
}
