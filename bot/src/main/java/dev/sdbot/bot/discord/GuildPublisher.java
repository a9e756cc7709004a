package dev.sdbot.bot.discord;

import dev.sdbot.db.store.BotGuildStore;
import net.dv8tion.jda.api.events.guild.GuildJoinEvent;
import net.dv8tion.jda.api.events.guild.GuildLeaveEvent;
import net.dv8tion.jda.api.hooks.ListenerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Publishes the guilds of this process's shards to the database ({@link BotGuildStore}) when it is ready, on every
 * guild join or leave, and every {@link #HEARTBEAT}, so a console in any process lists every guild of the deployment;
 * the guilds of a process that stopped heartbeating age out after {@link #MAX_AGE}.
 */
public final class GuildPublisher extends ListenerAdapter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GuildPublisher.class);
    public static final Duration HEARTBEAT = Duration.ofSeconds(30);
    /** Three missed heartbeats: the process is gone. */
    public static final Duration MAX_AGE = HEARTBEAT.multipliedBy(3);

    private final BotGuildStore store;
    private final DiscordConnection connection;
    private final String processId;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "guild-publisher");
        t.setDaemon(true);
        return t;
    });

    private GuildPublisher(BotGuildStore store, DiscordConnection connection) {
        this.store = store;
        this.connection = connection;
        this.processId = "shards " + connection.shardRange() + " " + UUID.randomUUID();
    }

    /** Publishes now (the caller waits: the console sees the guilds once the bot is ready), then keeps publishing. */
    public static GuildPublisher start(BotGuildStore store, DiscordConnection connection) {
        GuildPublisher publisher = new GuildPublisher(store, connection);
        publisher.publish();
        connection.shards().forEach(shard -> shard.addEventListener(publisher));
        publisher.timer.scheduleWithFixedDelay(publisher::publishQuietly, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(),
                TimeUnit.MILLISECONDS);
        return publisher;
    }

    @Override
    public void onGuildJoin(GuildJoinEvent event) {
        timer.execute(this::publishQuietly);
    }

    @Override
    public void onGuildLeave(GuildLeaveEvent event) {
        timer.execute(this::publishQuietly);
    }

    private void publish() {
        Map<Long, String> guilds = new TreeMap<>();
        connection.shards().forEach(shard -> shard.getGuilds().forEach(g -> guilds.put(g.getIdLong(), g.getName())));
        store.publish(processId, guilds);
    }

    private void publishQuietly() {
        try {
            publish();
        } catch (RuntimeException e) { // the next heartbeat tries again; until then the rows age
            LOG.warn("Could not publish this process's guilds: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        connection.shards().forEach(shard -> shard.removeEventListener(this));
        timer.shutdownNow();
        try {
            store.remove(processId);
        } catch (RuntimeException e) {
            LOG.warn("Could not remove this process's guilds (they age out): {}", e.getMessage());
        }
    }
}
