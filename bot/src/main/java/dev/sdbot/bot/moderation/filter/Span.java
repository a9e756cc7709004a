package dev.sdbot.bot.moderation.filter;

/** A matched part {@code [start, end)} of the original text. */
public record Span(int start, int end) {
}
