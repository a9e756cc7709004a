/**
 * The ops HTTP server of a process: health, readiness and Prometheus metrics; it mounts the admin console
 * ({@code features.console}) when that is configured.
 */
package dev.sdbot.bot.http;
