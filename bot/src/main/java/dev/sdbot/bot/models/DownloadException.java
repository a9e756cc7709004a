package dev.sdbot.bot.models;

/** A download that failed, with a message for the user (what happened and what to do). */
public final class DownloadException extends RuntimeException {
    public DownloadException(String message) {
        super(message);
    }
}
