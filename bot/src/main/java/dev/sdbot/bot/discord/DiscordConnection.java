package dev.sdbot.bot.discord;

import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.JDABuilder;
import net.dv8tion.jda.api.utils.cache.CacheFlag;
import dev.sdbot.scheduler.ShardRange;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.exceptions.ErrorResponseException;
import net.dv8tion.jda.api.requests.ErrorResponse;
import net.dv8tion.jda.api.requests.Route;
import net.dv8tion.jda.internal.requests.RestActionImpl;
import net.dv8tion.jda.api.requests.GatewayIntent;
import net.dv8tion.jda.api.requests.RestConfig;
import net.dv8tion.jda.api.sharding.DefaultShardManagerBuilder;
import net.dv8tion.jda.api.sharding.ShardManager;
import net.dv8tion.jda.internal.utils.IOUtil;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

/**
 * The connection to Discord: one JDA, or a {@link ShardManager} when shards are configured. REST and
 * gateway URLs come from {@link DiscordSettings}; JDA's own rate-limit handling and resume logic are used.
 */
public final class DiscordConnection implements AutoCloseable {
    /** Interactions arrive without any intent; guilds and channels are cached regardless. */
    private static final EnumSet<GatewayIntent> INTENTS = EnumSet.noneOf(GatewayIntent.class);
    private static final long SHARD_POLL_MILLIS = 100;

    private final JDA jda;
    private final ShardManager shardManager;
    private final ShardRange range;

    private DiscordConnection(JDA jda, ShardManager shardManager, ShardRange range) {
        this.jda = jda;
        this.shardManager = shardManager;
        this.range = range;
    }

    /** The shards this process connects: it serves exactly the guilds on them. */
    public ShardRange shardRange() {
        return range;
    }

    /**
     * Whether every shard is connected with its guild cache complete (no guild still unavailable or loading), so a
     * guild of these shards missing from the cache is one the bot is not in.
     */
    public boolean guildCacheComplete() {
        return shards().stream().allMatch(shard -> shard.getStatus() == JDA.Status.CONNECTED
                && shard.getUnavailableGuilds().isEmpty());
    }

    /**
     * Asks Discord (REST, not the cache) whether the bot is a member of the guild: Get Guild answers 403 Missing
     * Access or 404 Unknown Guild when it is not. Other errors are thrown: an unanswered question is not a "no".
     */
    public boolean isMemberOf(long guildId) {
        JDA shard = anyShard();
        try {
            new RestActionImpl<Void>(shard, Route.Guilds.GET_GUILD.compile(Long.toUnsignedString(guildId))).complete();
            return true;
        } catch (ErrorResponseException e) {
            if (e.getErrorResponse() == ErrorResponse.UNKNOWN_GUILD || e.getErrorResponse() == ErrorResponse.MISSING_ACCESS) {
                return false;
            }
            throw e;
        }
    }

    /** Logs in, registers the listeners and waits until every guild is available. */
    public static DiscordConnection connect(DiscordSettings settings, Object... listeners) throws InterruptedException {
        return connect(settings, chain -> chain.proceed(chain.request()), listeners);
    }

    /**
     * Member-specific channel overwrites: without them JDA ignores a member's own allow or deny in a channel, and the
     * bot's server-side checks (Manage Messages in a job's channel) would read the wrong rights.
     */
    private static final CacheFlag PERMISSION_CACHE = CacheFlag.MEMBER_OVERRIDES;

    /** As {@link #connect(DiscordSettings, Object...)}, with an interceptor on JDA's HTTP calls (to measure them). */
    public static DiscordConnection connect(DiscordSettings settings, Interceptor http, Object... listeners)
            throws InterruptedException {
        RestConfig rest = new RestConfig().setBaseUrl(settings.apiUrl().toString());
        // JDA's own client settings (timeouts, pool), plus the interceptor
        OkHttpClient.Builder httpClient = IOUtil.newHttpClientBuilder().addInterceptor(http);
        ShardRange range = settings.shards();
        if (range.unsharded()) {
            JDABuilder builder = JDABuilder.createLight(settings.token(), INTENTS)
                    .enableCache(PERMISSION_CACHE)
                    .setHttpClientBuilder(httpClient)
                    .setRestConfig(rest)
                    .setRawEventsEnabled(true)
                    .addEventListeners(listeners);
            if (settings.gatewayUrl() != null) {
                builder.setSessionController(new FixedGatewaySessionController(settings.gatewayUrl().toString()));
            }
            return new DiscordConnection(builder.build().awaitReady(), null, range);
        }
        DefaultShardManagerBuilder builder = DefaultShardManagerBuilder.createLight(settings.token(), INTENTS)
                .enableCache(PERMISSION_CACHE)
                .setHttpClientBuilder(httpClient)
                .setRestConfig(rest)
                .setShardsTotal(range.total())
                .setShards(range.first(), range.last())
                .setRawEventsEnabled(true)
                .addEventListeners(listeners);
        if (settings.gatewayUrl() != null) {
            builder.setSessionController(new FixedGatewaySessionController(settings.gatewayUrl().toString()));
        }
        ShardManager manager = builder.build();
        // the manager starts its shards one after another (identify rate limit): wait for each to exist and be ready
        for (int id = range.first(); id <= range.last(); id++) {
            JDA shard;
            while ((shard = manager.getShardById(id)) == null) {
                Thread.sleep(SHARD_POLL_MILLIS);
            }
            shard.awaitReady();
        }
        return new DiscordConnection(null, manager, range);
    }

    public List<JDA> shards() {
        return jda != null ? List.of(jda) : List.copyOf(shardManager.getShards());
    }

    /** Any connected shard, for routes that do not depend on a guild (interaction webhooks). */
    public JDA anyShard() {
        return shards().get(0);
    }

    public Optional<Guild> guild(long guildId) {
        return Optional.ofNullable(jda != null ? jda.getGuildById(guildId) : shardManager.getGuildById(guildId));
    }

    /** Ids of the guilds in the cache of this process's shards. */
    public List<Long> guildIds() {
        return shards().stream().flatMap(shard -> shard.getGuilds().stream()).map(Guild::getIdLong).toList();
    }

    @Override
    public void close() {
        if (jda != null) {
            jda.shutdown();
        } else {
            shardManager.shutdown();
        }
    }
}
