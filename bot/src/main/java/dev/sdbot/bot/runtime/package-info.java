/**
 * What one sdbot process holds: the database, the engines per device, the scheduler's services,
 * and the hook that starts the Discord side.
 */
package dev.sdbot.bot.runtime;
