package dev.sdbot.bot.features.moderation.filter;

/** A matched part {@code [start, end)} of the original text. */
public record Span(int start, int end) {
}
