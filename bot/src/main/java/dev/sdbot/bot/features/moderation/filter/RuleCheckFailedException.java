package dev.sdbot.bot.features.moderation.filter;

/** A rule could not be evaluated (a regex ran out of time or broke): the filter fails closed. */
public final class RuleCheckFailedException extends RuntimeException {
    public RuleCheckFailedException(String message) {
        super(message, null, false, false);
    }
}
