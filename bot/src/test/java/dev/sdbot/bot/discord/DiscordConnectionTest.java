package dev.sdbot.bot.discord;

import dev.sdbot.testkit.fake.FakeDiscord;
import dev.sdbot.testkit.fake.FakeInteraction;
import dev.sdbot.testkit.fake.FakeMessage;
import dev.sdbot.bot.features.help.HelpCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The real JDA client against the fake Discord: login, guild, command registration, a reply, resume, sharding. */
class DiscordConnectionTest {
    private FakeDiscord discord;
    private DiscordConnection connection;

    @BeforeEach
    void startFake() throws Exception {
        discord = FakeDiscord.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (connection != null) {
            connection.close();
        }
        discord.close();
    }

    private DiscordSettings settings(int shards) {
        return new DiscordSettings(FakeDiscord.BOT_TOKEN, URI.create(discord.apiBaseUrl()),
                URI.create(discord.gatewayUrl()), shards);
    }

    private InteractionRouter router() {
        return new InteractionRouter(List.of(new HelpCommand(java.util.Set::of)), List.of(),
                new dev.sdbot.bot.discord.InteractionAckMeter(new io.micrometer.core.instrument.simple.SimpleMeterRegistry()));
    }

    @Test
    void connectsRegistersCommandsAndAnswersHelp() throws Exception {
        InteractionRouter router = router();
        connection = DiscordConnection.connect(settings(0), router);
        assertThat(connection.guild(discord.guild().id)).isPresent();
        assertThat(connection.guild(discord.guild().id).orElseThrow().getTextChannelById(discord.guild().ageRestricted.id()).isNSFW()).isTrue();
        connection.anyShard().updateCommands().addCommands(router.commandData()).complete();
        assertThat(discord.registeredCommands("global")).extracting(c -> c.get("name").asText()).containsExactly("help");

        FakeInteraction help = discord.slashCommand(discord.guild().alice, discord.guild().general, "help", Map.of());

        await().atMost(Duration.ofSeconds(5)).until(() -> !discord.ephemerals(help).isEmpty());
        FakeMessage reply = discord.ephemerals(help).get(0);
        assertThat(help.ackType()).isEqualTo(4);
        assertThat(help.ackMillis()).isLessThan(3000);
        assertThat(reply.content()).contains("/imagine");
    }

    @Test
    void resumesAfterTheGatewayDropsAndReceivesMissedInteractions() throws Exception {
        connection = DiscordConnection.connect(settings(0), router());
        discord.dropGatewayConnections();
        FakeInteraction help = discord.slashCommand(discord.guild().bob, discord.guild().general, "help", Map.of());

        await().atMost(Duration.ofSeconds(10)).until(() -> !discord.ephemerals(help).isEmpty());
        assertThat(discord.gatewayResumes()).isEqualTo(1);
        assertThat(discord.gatewayIdentifies()).isEqualTo(1);
    }

    @Test
    void shardManagerConnectsEveryShard() throws Exception {
        connection = DiscordConnection.connect(settings(2), router());
        assertThat(connection.shards()).hasSize(2);
        assertThat(connection.guild(discord.guild().id)).isPresent();
        FakeInteraction help = discord.slashCommand(discord.guild().alice, discord.guild().general, "help", Map.of());
        await().atMost(Duration.ofSeconds(5)).until(() -> !discord.ephemerals(help).isEmpty());
    }
}
