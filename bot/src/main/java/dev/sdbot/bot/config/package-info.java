/**
 * Configuration: {@code defaults.yaml}, then {@code sdbot.yaml}, then environment variables, read once at start into
 * {@link dev.sdbot.bot.config.SdbotConfig}, one record per concern. {@link dev.sdbot.bot.config.Setting} is the one
 * table of environment variables and their paths. Features read settings from it, not from the environment.
 */
package dev.sdbot.bot.config;
