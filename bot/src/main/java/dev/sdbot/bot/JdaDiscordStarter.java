package dev.sdbot.bot;

import dev.sdbot.bot.config.SdbotConfig;
import dev.sdbot.bot.discord.DiscordSettings;
import dev.sdbot.bot.runtime.DiscordStarter;
import dev.sdbot.bot.runtime.SdbotRuntime;

import java.net.URI;

/** Plugs the JDA bot into {@code sdbot start} (registered in META-INF/services). */
public final class JdaDiscordStarter implements DiscordStarter {

    @Override
    public AutoCloseable start(SdbotRuntime runtime) throws Exception {
        SdbotConfig config = runtime.config();
        DiscordSettings settings = new DiscordSettings(config.discord().token(), uri(config.discord().apiUrl()),
                uri(config.discord().gatewayUrl()), config.discord().shardRange());
        DiscordBot bot = DiscordBot.start(settings, runtime.jobs(), runtime.events(), runtime.database().dataSource(),
                runtime.database().sessionFactory(), runtime.clock(), DiscordBot.Options.standard(config.models().defaultModel(),
                        config.models().defaultUpscaler(), config.variations().strength()),
                runtime.meters());
        runtime.onStopping(bot::stopAccepting); // refuse commands while the worker finishes its jobs
        return bot;
    }

    private static URI uri(String value) {
        return value == null || value.isBlank() ? null : URI.create(value);
    }
}
