package dev.sdbot.testkit.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The fake's Discord-like answers that the bot tests rely on but rarely trigger. */
class FakeDiscordTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private FakeDiscord discord;

    @BeforeEach
    void start() throws Exception {
        discord = FakeDiscord.start();
    }

    @AfterEach
    void stop() throws Exception {
        discord.close();
    }

    private HttpResponse<String> post(String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(discord.apiBaseUrl() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void lateAcknowledgementsGetUnknownInteractionAndDoubleOnesAreRefused() throws Exception {
        discord.ackDeadline(Duration.ofMillis(50));
        FakeInteraction interaction = discord.slashCommandWithoutGateway(discord.guild().alice, discord.guild().general, "help");
        Thread.sleep(100);
        HttpResponse<String> late = post("interactions/" + interaction.id() + "/" + interaction.token() + "/callback", "{\"type\":5}");
        assertThat(late.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(late.body()).path("code").asInt()).isEqualTo(10062);

        discord.ackDeadline(Duration.ofSeconds(3));
        FakeInteraction timely = discord.slashCommandWithoutGateway(discord.guild().alice, discord.guild().general, "help");
        String callback = "interactions/" + timely.id() + "/" + timely.token() + "/callback";
        assertThat(post(callback, "{\"type\":5}").statusCode()).isEqualTo(204);
        assertThat(post(callback, "{\"type\":5}").statusCode()).isEqualTo(400);
    }

    @Test
    void enforcedNoncesReturnTheEarlierMessageAndInjectedFailuresAreAnswered() throws Exception {
        String path = "channels/" + discord.guild().general.id() + "/messages";
        String body = "{\"content\":\"hi\",\"nonce\":\"n-1\",\"enforce_nonce\":true}";
        JsonNode first = JSON.readTree(post(path, body).body());
        JsonNode second = JSON.readTree(post(path, body).body());
        assertThat(second.path("id")).isEqualTo(first.path("id"));
        assertThat(discord.visibleMessages(discord.guild().general)).hasSize(1);

        discord.failNext("POST", "channels/\\d+/messages", 503, 0, 1);
        assertThat(post(path, "{\"content\":\"x\"}").statusCode()).isEqualTo(503);
        assertThat(post(path, "{\"content\":\"x\"}").statusCode()).isEqualTo(200);
        assertThat(post("channels/" + discord.guild().readOnly.id() + "/messages", "{\"content\":\"x\"}").statusCode())
                .isEqualTo(403);
    }

    @Test
    void servesTwoGuildsThatShareOnlyTheBotAndAlice() throws Exception {
        FakeGuild a = discord.guild();
        FakeGuild b = discord.otherGuild();
        assertThat(discord.guilds()).containsExactly(a, b);
        assertThat(b.id).isNotEqualTo(a.id);
        assertThat(b.alice).isEqualTo(a.alice);
        assertThat(b.moderator.userId()).isNotEqualTo(a.moderator.userId());
        assertThat(b.general.id()).isNotEqualTo(a.general.id());
        assertThat(discord.guildOf(b.general.id())).isSameAs(b);

        JsonNode created = JSON.readTree(post("channels/" + b.general.id() + "/messages", "{\"content\":\"hi\"}").body());
        assertThat(created.path("guild_id").asText()).isEqualTo(Long.toString(b.id));
        assertThat(discord.visibleMessages(b.general)).hasSize(1);
        assertThat(discord.visibleMessages(a.general)).isEmpty();
        assertThat(discord.slashCommandWithoutGateway(b.alice, b.general, "help").guild()).isSameAs(b);
    }
}
