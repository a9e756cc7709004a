package dev.sdbot.bot.features.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sdbot.bot.config.HttpSettings;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Discord's OAuth2 authorization-code flow for the console (scopes {@code identify guilds}): the authorize URL, then
 * code → access token → the user and their guilds with their permissions. The client secret goes only into the token
 * request's body.
 */
public final class DiscordOAuth {
    /** Permission bits (Discord): ADMINISTRATOR implies every permission, MANAGE_GUILD is "Manage Server". */
    static final long ADMINISTRATOR = 0x8;
    static final long MANAGE_GUILD = 0x20;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A guild of the user, with their permissions in it. */
    public record UserGuild(long id, String name, long permissions) {
        public boolean canManage() {
            return (permissions & (ADMINISTRATOR | MANAGE_GUILD)) != 0;
        }
    }

    /** A finished login; {@code accessToken} lets the console re-read the user's guilds, and is never printed. */
    public record Login(String userName, String accessToken, List<UserGuild> guilds) {
        @Override
        public String toString() {
            return "Login[" + userName + ", " + guilds.size() + " guilds]";
        }
    }

    private final HttpSettings.OAuth settings;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public DiscordOAuth(HttpSettings.OAuth settings) {
        this.settings = settings;
    }

    String redirectUri() {
        return settings.publicUrl() + "/console/oauth/callback";
    }

    String authorizeUrl(String state) {
        return settings.apiUrl() + "/oauth2/authorize?" + form(Map.of("response_type", "code", "client_id", settings.clientId(),
                "scope", "identify guilds", "redirect_uri", redirectUri(), "state", state));
    }

    /** Exchanges the code Discord sent back; an error names what failed (never the secret). */
    Login login(String code) throws IOException, InterruptedException {
        HttpResponse<String> token = http.send(HttpRequest.newBuilder(URI.create(settings.apiUrl() + "/oauth2/token"))
                .timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("grant_type", "authorization_code", "code", code,
                        "redirect_uri", redirectUri(), "client_id", settings.clientId(), "client_secret", settings.clientSecret()))))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (token.statusCode() != 200) {
            throw new IOException("Discord refused the login code (HTTP " + token.statusCode() + ")");
        }
        String accessToken = JSON.readTree(token.body()).path("access_token").asText("");
        if (accessToken.isEmpty()) {
            throw new IOException("Discord's token response had no access token");
        }
        JsonNode user = get("/users/@me", accessToken);
        return new Login(user.path("username").asText("?"), accessToken, guilds(accessToken));
    }

    /** The user's guilds with their permissions now; an IOException when Discord refuses the token (revoked). */
    List<UserGuild> guilds(String accessToken) throws IOException, InterruptedException {
        List<UserGuild> list = new ArrayList<>();
        for (JsonNode g : get("/users/@me/guilds", accessToken)) {
            // permissions is a string (a 53-bit-safe decimal) in API v8+
            list.add(new UserGuild(Long.parseLong(g.path("id").asText()), g.path("name").asText(""),
                    Long.parseLong(g.path("permissions").asText("0"))));
        }
        return list;
    }

    private JsonNode get(String path, String accessToken) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(settings.apiUrl() + path))
                .timeout(Duration.ofSeconds(15)).header("Authorization", "Bearer " + accessToken).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("Discord answered HTTP " + response.statusCode() + " for " + path);
        }
        return JSON.readTree(response.body());
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
