/**
 * The prompt filter engine: a guild's phrase and regex rules, compiled, matched against a prompt's
 * normalised text with a time budget. Used by {@code /imagine}'s checks and by {@code /mod filter test}.
 */
package dev.sdbot.bot.features.moderation.filter;
