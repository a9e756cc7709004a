package dev.sdbot.bot.discord;

/** Text helpers for Discord's length limits. */
public final class Texts {
    private Texts() {
    }

    /** At most {@code max} characters, ending in "…" when cut. */
    public static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
