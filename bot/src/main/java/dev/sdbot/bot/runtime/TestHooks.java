package dev.sdbot.bot.runtime;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * Test hooks read from the environment, for fault-injection tests such as {@code sdbot jobs soak}; not settings an
 * operator should use. SDBOT_TEST_CLOCK_OFFSET_MS shifts this process's clock (a host whose clock is off);
 * SDBOT_TEST_PATTERN_LOG names a file the test-pattern generator appends each finished generation to.
 */
public final class TestHooks {
    public static final String CLOCK_OFFSET = "SDBOT_TEST_CLOCK_OFFSET_MS";
    public static final String PATTERN_LOG = "SDBOT_TEST_PATTERN_LOG";

    private TestHooks() {
    }

    /** The process's clock: UTC, shifted by SDBOT_TEST_CLOCK_OFFSET_MS when set. */
    public static Clock clock(Map<String, String> environment) {
        String offset = environment.get(CLOCK_OFFSET);
        if (offset == null || offset.isBlank()) {
            return Clock.systemUTC();
        }
        try {
            return Clock.offset(Clock.systemUTC(), Duration.ofMillis(Long.parseLong(offset.trim())));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(CLOCK_OFFSET + " must be a whole number of milliseconds, got '" + offset + "'");
        }
    }

    public static Clock clock() {
        return clock(System.getenv());
    }

    /** The test-pattern generator's completion log, or null. */
    public static Path patternLog() {
        String file = System.getenv(PATTERN_LOG);
        return file == null || file.isBlank() ? null : Path.of(file);
    }
}
