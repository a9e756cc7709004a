package dev.sdbot.bot.features.moderation.filter;

import java.util.Locale;

/** What a filter rule does to a prompt it matches (the {@code action} column of {@code filter_rules}). */
public enum FilterAction {
    /** Refuse the request. */
    BLOCK,
    /** Remove the matched words and let the job run. */
    STRIP,
    /** Let the job run; tell the member, and note it for the moderators. */
    WARN;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
