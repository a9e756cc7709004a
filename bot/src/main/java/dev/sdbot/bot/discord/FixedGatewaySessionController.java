package dev.sdbot.bot.discord;

import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.utils.ConcurrentSessionController;

/** JDA's session controller with a configured gateway URL (a local fake or a proxy) instead of Discord's. */
final class FixedGatewaySessionController extends ConcurrentSessionController {
    private final String gatewayUrl;

    FixedGatewaySessionController(String gatewayUrl) {
        this.gatewayUrl = gatewayUrl;
    }

    @Override
    public String getGateway() {
        return gatewayUrl;
    }

    @Override
    public ShardedGateway getShardedGateway(JDA api) {
        ShardedGateway fromApi = super.getShardedGateway(api);
        return new ShardedGateway(gatewayUrl, fromApi.getShardTotal(), fromApi.getConcurrency());
    }
}
