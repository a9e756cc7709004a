/**
 * The read-only admin web console: Discord OAuth sign-in or the one-time admin link, sessions, and the pages
 * (queue, workers, per guild recent jobs, usage chart, quota rules) served under {@code /console} by the ops HTTP
 * server.
 */
package dev.sdbot.bot.features.console;
