package dev.sdbot.bot.discord;

/** A request the bot refuses; the message is shown to the member alone. */
public final class Rejection extends RuntimeException {
    public Rejection(String message) {
        super(message, null, false, false);
    }
}
