package dev.sdbot.bot.features.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A local stand-in for Discord's OAuth2 endpoints ({@code /oauth2/authorize}, {@code /oauth2/token}) and the
 * user endpoints the console reads ({@code /users/@me}, {@code /users/@me/guilds}), for one user and one client.
 * The authorize step approves at once, as a user clicking "Authorize" would; a code works once, as Discord's.
 */
final class FakeDiscordOAuth implements AutoCloseable {
    record Guild(long id, String name, long permissions) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final String clientId;
    private final String clientSecret;
    private final Map<String, String> codes = new ConcurrentHashMap<>(); // code → redirect_uri it was issued for
    private final Map<String, Boolean> tokens = new ConcurrentHashMap<>();
    private volatile List<Guild> guilds;
    /** How many times the user's guilds were read. */
    final java.util.concurrent.atomic.AtomicInteger guildReads = new java.util.concurrent.atomic.AtomicInteger();

    FakeDiscordOAuth(String clientId, String clientSecret, String userName, List<Guild> guilds) throws IOException {
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.guilds = List.copyOf(guilds);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/oauth2/authorize", this::authorize);
        server.createContext("/api/oauth2/token", this::token);
        server.createContext("/api/users/@me/guilds", ex -> {
            guildReads.incrementAndGet();
            user(ex, this.guilds.stream().map(g -> Map.of("id", Long.toString(g.id()), "name", g.name(),
                    "permissions", Long.toString(g.permissions()))).toList());
        });
        server.createContext("/api/users/@me", ex -> user(ex, Map.of("id", "42", "username", userName)));
        server.start();
    }

    /** The user's guilds and rights from now on (a role taken away, a guild left). */
    void setGuilds(List<Guild> guilds) {
        this.guilds = List.copyOf(guilds);
    }

    /** Every access token issued so far stops working (the user de-authorized the app). */
    void revokeTokens() {
        tokens.clear();
    }

    /** The API base the console is configured with. */
    String apiUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/api";
    }

    private void authorize(HttpExchange ex) throws IOException {
        Map<String, String> q = form(ex.getRequestURI().getRawQuery());
        if (!clientId.equals(q.get("client_id")) || !"code".equals(q.get("response_type"))
                || !List.of(q.getOrDefault("scope", "").split(" ")).containsAll(List.of("identify", "guilds"))) {
            send(ex, 400, Map.of("error", "invalid_request"));
            return;
        }
        String code = "code-" + codes.size() + "-" + System.nanoTime();
        codes.put(code, q.get("redirect_uri"));
        ex.getResponseHeaders().add("Location", q.get("redirect_uri") + "?code=" + URLEncoder.encode(code, StandardCharsets.UTF_8)
                + "&state=" + URLEncoder.encode(q.get("state"), StandardCharsets.UTF_8));
        ex.sendResponseHeaders(302, -1);
        ex.close();
    }

    private void token(HttpExchange ex) throws IOException {
        Map<String, String> body = form(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        String redirect = body.get("code") == null ? null : codes.remove(body.get("code"));
        if (!"POST".equals(ex.getRequestMethod()) || !clientId.equals(body.get("client_id"))
                || !clientSecret.equals(body.get("client_secret")) || !"authorization_code".equals(body.get("grant_type"))
                || redirect == null || !redirect.equals(body.get("redirect_uri"))) {
            send(ex, 400, Map.of("error", "invalid_grant"));
            return;
        }
        String token = "access-" + System.nanoTime();
        tokens.put(token, true);
        send(ex, 200, Map.of("access_token", token, "token_type", "Bearer", "expires_in", 604800, "scope", "identify guilds"));
    }

    private void user(HttpExchange ex, Object answer) throws IOException {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.startsWith("Bearer ") || !tokens.containsKey(auth.substring(7))) {
            send(ex, 401, Map.of("message", "401: Unauthorized", "code", 0));
            return;
        }
        send(ex, 200, answer);
    }

    private static void send(HttpExchange ex, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    static Map<String, String> form(String raw) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return fields;
        }
        Arrays.stream(raw.split("&")).map(p -> p.split("=", 2)).forEach(kv -> fields.put(
                URLDecoder.decode(kv[0], StandardCharsets.UTF_8), kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : ""));
        return fields;
    }

    static Map<String, String> query(URI uri) {
        return form(uri.getRawQuery());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
