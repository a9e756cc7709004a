package dev.sdbot.bot.discord;

import net.dv8tion.jda.api.events.RawGatewayEvent;
import net.dv8tion.jda.api.hooks.ListenerAdapter;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The upload size limit per guild, from the {@code attachment_size_limit} Discord sends with every
 * interaction (JDA does not expose it, so it is read from the raw gateway event). 10 MiB until seen.
 */
public final class AttachmentLimits extends ListenerAdapter {
    public static final long DEFAULT_LIMIT = 10L * 1024 * 1024;

    private final Map<Long, Long> byGuild = new ConcurrentHashMap<>();

    public long forGuild(long guildId) {
        return byGuild.getOrDefault(guildId, DEFAULT_LIMIT);
    }

    @Override
    public void onRawGateway(RawGatewayEvent event) {
        if ("INTERACTION_CREATE".equals(event.getType())) {
            var payload = event.getPayload();
            if (payload.hasKey("guild_id") && payload.hasKey("attachment_size_limit")) {
                byGuild.put(payload.getUnsignedLong("guild_id"), payload.getLong("attachment_size_limit"));
            }
        }
    }
}
