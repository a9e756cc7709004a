package dev.sdbot.bot.runtime;

/**
 * The seam between the launcher and the Discord adapter: {@code sdbot start} looks one up with
 * {@link java.util.ServiceLoader} (META-INF/services/dev.sdbot.bot.runtime.DiscordStarter) and
 * starts it when DISCORD_TOKEN is set.
 */
public interface DiscordStarter {

    /** Connects to Discord using the runtime's services; the returned handle disconnects. */
    AutoCloseable start(SdbotRuntime runtime) throws Exception;
}
