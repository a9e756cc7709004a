package dev.sdbot.bot.discord;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A result button's custom id, {@code job:<id>:<action>}: all else is read from the database. */
public record JobButtonId(long jobId, String action) {
    private static final Pattern FORMAT = Pattern.compile("job:(\\d+):([a-z0-9]+)");

    public static Optional<JobButtonId> parse(String customId) {
        Matcher m = FORMAT.matcher(customId);
        return m.matches() ? Optional.of(new JobButtonId(Long.parseLong(m.group(1)), m.group(2))) : Optional.empty();
    }

    public String customId() {
        return "job:" + jobId + ":" + action;
    }
}
