package dev.sdbot.loadtest;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The soak's fault-injection hooks, read from the environment by {@link HookedSdbot} only (never by the shipped
 * product): SDBOT_TEST_CLOCK_OFFSET_MS shifts the process's clock (a host whose clock is off); SDBOT_TEST_PATTERN_LOG
 * names a file each finished generation is appended to ({@link CompletionLogging}); SDBOT_TEST_PATTERN_PREVIEWS=true
 * adds the engine's step previews to the generator ({@link PreviewingGenerator}).
 */
final class TestHooks {
    static final String CLOCK_OFFSET = "SDBOT_TEST_CLOCK_OFFSET_MS";
    static final String PATTERN_LOG = "SDBOT_TEST_PATTERN_LOG";
    static final String PREVIEWS = "SDBOT_TEST_PATTERN_PREVIEWS";

    private TestHooks() {
    }

    /** UTC, shifted by SDBOT_TEST_CLOCK_OFFSET_MS when set. */
    static Clock clock(Map<String, String> environment) {
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

    /** The completion log, if SDBOT_TEST_PATTERN_LOG is set. */
    static Optional<Path> completionLog(Map<String, String> environment) {
        String file = environment.get(PATTERN_LOG);
        return file == null || file.isBlank() ? Optional.empty() : Optional.of(Path.of(file));
    }

    /** Whether SDBOT_TEST_PATTERN_PREVIEWS is true. */
    static boolean previews(Map<String, String> environment) {
        return Boolean.parseBoolean(environment.get(PREVIEWS));
    }
}
