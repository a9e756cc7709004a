package dev.sdbot.bot.runtime;

import java.util.Map;

/** What the HTTP server needs to know of the Discord connection: readiness, and the guilds the bot is in. */
public interface DiscordStatus {

    /** True while every shard is connected to the gateway. */
    boolean connected();

    /** Guild id → name of the guilds the bot is in now. */
    Map<Long, String> guilds();
}
