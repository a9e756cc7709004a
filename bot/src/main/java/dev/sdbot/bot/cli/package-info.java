/**
 * The {@code ./sdbot} command line (picocli): start, worker, scheduler, generate, jobs, models, migrate, selftest,
 * bench. Each command builds what it needs from {@link dev.sdbot.bot.config.SdbotConfig} and {@code runtime}.
 */
package dev.sdbot.bot.cli;
