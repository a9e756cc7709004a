package dev.sdbot.inference.selftest;

/**
 * One parity check against a reference output.
 *
 * @param relError relative L2 error {@code |actual - expected| / |expected|}
 */
public record CheckResult(String name, double relError, double tolerance, boolean passed) {

    public static CheckResult of(String name, double relError, double tolerance) {
        return new CheckResult(name, relError, tolerance, relError < tolerance);
    }

    @Override
    public String toString() {
        return String.format("%s %s: rel %.3g (tolerance %.1g)", passed ? "PASS" : "FAIL", name, relError, tolerance);
    }
}
