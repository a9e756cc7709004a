/**
 * Configuration: defaults, then {@code sdbot.yaml}, then environment variables, read once at start into
 * {@link dev.sdbot.bot.config.SdbotConfig}. Features read settings from it, not from the environment.
 */
package dev.sdbot.bot.config;
