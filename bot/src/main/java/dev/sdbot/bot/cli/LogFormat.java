package dev.sdbot.bot.cli;

import java.util.Optional;
import java.util.Set;

/**
 * {@code SDBOT_LOG_FORMAT}: {@code text} (the default) or {@code json}. logback.xml picks its appender by this name, and
 * an unknown name would silently leave the process without any log, so the launcher refuses it before anything logs.
 */
final class LogFormat {
    static final String VARIABLE = "SDBOT_LOG_FORMAT";
    private static final Set<String> FORMATS = Set.of("text", "json");

    private LogFormat() {
    }

    /** Why the value cannot be used, or empty when it can (unset means text). */
    static Optional<String> problem(String value) {
        if (value == null || FORMATS.contains(value)) {
            return Optional.empty();
        }
        return Optional.of(VARIABLE + " must be 'text' or 'json', not '" + value + "'");
    }
}
