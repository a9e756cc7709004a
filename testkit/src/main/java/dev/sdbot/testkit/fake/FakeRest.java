package dev.sdbot.testkit.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The REST half of the fake Discord: answers the routes JDA uses and records every call. */
final class FakeRest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String API = "/api/v10/";
    private static final Pattern CALLBACK = Pattern.compile("interactions/(\\d+)/([^/]+)/callback");
    private static final Pattern FOLLOW_UP = Pattern.compile("webhooks/(\\d+)/([^/]+)");
    private static final Pattern WEBHOOK_MESSAGE = Pattern.compile("webhooks/(\\d+)/([^/]+)/messages/(@original|\\d+)");
    private static final Pattern CHANNEL_MESSAGES = Pattern.compile("channels/(\\d+)/messages");
    private static final Pattern GUILD = Pattern.compile("guilds/(\\d+)");
    private static final Pattern GUILD_MEMBER = Pattern.compile("guilds/(\\d+)/members/(\\d+)");
    private static final Pattern CHANNEL_MESSAGE = Pattern.compile("channels/(\\d+)/messages/(\\d+)");
    private static final Pattern COMMANDS = Pattern.compile("applications/\\d+(/guilds/\\d+)?/commands");

    /** A response the test asked for in place of the normal one, for the next matching calls. */
    private record Injection(String method, Pattern path, int status, Map<String, String> headers, String body,
                             int[] remaining) {
    }

    private final FakeDiscord discord;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(16);
    private final List<RecordedCall> calls = new CopyOnWriteArrayList<>();
    private final List<Injection> injections = new CopyOnWriteArrayList<>();
    /** Enforced nonce → the message it created and when (System.nanoTime()); Discord forgets them after minutes. */
    private record RememberedNonce(long messageId, long atNanos) {
    }

    private final Map<String, RememberedNonce> nonces = new ConcurrentHashMap<>();
    private volatile java.time.Duration nonceMemory = java.time.Duration.ofMinutes(5);
    private final Map<String, ArrayNode> commands = new ConcurrentHashMap<>();

    FakeRest(FakeDiscord discord) throws IOException {
        this.discord = discord;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
    }

    void start() {
        server.start();
    }

    void stop() {
        server.stop(0);
        executor.shutdownNow();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + API;
    }

    String attachmentUrl(long id, String filename) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/attachments/" + id + "/" + filename;
    }

    List<RecordedCall> calls() {
        return List.copyOf(calls);
    }

    ArrayNode commands(String scope) {
        return commands.get(scope);
    }

    /** How long an enforced nonce is remembered (Discord: a few minutes). */
    void nonceMemory(java.time.Duration memory) {
        this.nonceMemory = memory;
    }

    void inject(String method, String pathRegex, int status, Map<String, String> headers, String body, int times) {
        injections.add(new Injection(method, Pattern.compile(pathRegex), status, headers, body, new int[]{times}));
    }

    private void handle(HttpExchange exchange) throws IOException {
        long at = System.nanoTime();
        try (exchange) {
            String fullPath = exchange.getRequestURI().getPath();
            if (fullPath.startsWith("/attachments/")) {
                serveAttachment(exchange, fullPath);
                return;
            }
            String method = exchange.getRequestMethod();
            String path = fullPath.startsWith(API) ? fullPath.substring(API.length()) : fullPath;
            String query = exchange.getRequestURI().getRawQuery() == null ? "" : exchange.getRequestURI().getRawQuery();
            byte[] body = exchange.getRequestBody().readAllBytes();
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            JsonNode payload = null;
            List<RecordedCall.UploadedFile> files = new ArrayList<>();
            if (Multipart.isMultipart(contentType)) {
                for (Multipart.Part part : Multipart.parse(contentType, body)) {
                    if ("payload_json".equals(part.name())) {
                        payload = JSON.readTree(part.body());
                    } else {
                        files.add(new RecordedCall.UploadedFile(part.name(), part.filename(), part.body()));
                    }
                }
            } else if (body.length > 0) {
                payload = JSON.readTree(body);
            }
            Answer answer = injected(method, path);
            if (answer == null) {
                answer = route(method, path, query, payload, files);
            }
            calls.add(new RecordedCall(method, path, query, payload, List.copyOf(files), answer.status, at));
            answer.headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            send(exchange, answer.status, answer.body);
        } catch (RuntimeException e) {
            send(exchange, 500, "{\"message\":\"fake error: " + e + "\",\"code\":0}");
        }
    }

    record Answer(int status, String body, Map<String, String> headers) {
        static Answer json(int status, JsonNode body) {
            return new Answer(status, body.toString(), Map.of());
        }

        static Answer error(int status, int code, String message) {
            return new Answer(status, "{\"code\":" + code + ",\"message\":\"" + message + "\"}", Map.of());
        }

        static Answer noContent() {
            return new Answer(204, null, Map.of());
        }
    }

    private Answer injected(String method, String path) {
        for (Injection injection : injections) {
            if (injection.method.equals(method) && injection.path.matcher(path).matches()) {
                synchronized (injection) {
                    if (injection.remaining[0] > 0) {
                        injection.remaining[0]--;
                        return new Answer(injection.status, injection.body, injection.headers);
                    }
                }
            }
        }
        return null;
    }

    private Answer route(String method, String path, String query, JsonNode payload, List<RecordedCall.UploadedFile> files) {
        Matcher m;
        if (method.equals("GET") && path.equals("users/@me")) {
            return Answer.json(200, FakeGuild.user(discord.guild().bot));
        }
        if (method.equals("GET") && path.equals("gateway/bot")) {
            ObjectNode gateway = JSON.createObjectNode().put("url", discord.gatewayUrl()).put("shards", 1);
            gateway.putObject("session_start_limit").put("total", 1000).put("remaining", 1000)
                    .put("reset_after", 0).put("max_concurrency", 1);
            return Answer.json(200, gateway);
        }
        if (method.equals("GET") && path.equals("oauth2/applications/@me")) {
            ObjectNode app = JSON.createObjectNode().put("id", Long.toString(discord.botUserId())).put("name", "sdbot")
                    .put("description", "").put("bot_public", true).put("bot_require_code_grant", false);
            app.set("owner", FakeGuild.user(discord.guild().moderator));
            return Answer.json(200, app);
        }
        if (method.equals("PUT") && COMMANDS.matcher(path).matches()) {
            return registerCommands(path, (ArrayNode) payload);
        }
        if (method.equals("POST") && (m = CALLBACK.matcher(path)).matches()) {
            return discord.callback(Long.parseLong(m.group(1)), m.group(2), payload, files);
        }
        if ((m = WEBHOOK_MESSAGE.matcher(path)).matches()) {
            return webhookMessage(method, m.group(2), m.group(3), payload, files);
        }
        if (method.equals("POST") && (m = FOLLOW_UP.matcher(path)).matches()) {
            return discord.followUp(m.group(2), payload, files);
        }
        if (method.equals("POST") && (m = CHANNEL_MESSAGES.matcher(path)).matches()) {
            return createChannelMessage(Long.parseLong(m.group(1)), payload, files);
        }
        if (method.equals("GET") && (m = CHANNEL_MESSAGES.matcher(path)).matches()) {
            return channelHistory(Long.parseLong(m.group(1)), query);
        }
        if ((m = CHANNEL_MESSAGE.matcher(path)).matches()) {
            return channelMessage(method, Long.parseLong(m.group(2)), payload, files);
        }
        if (method.equals("GET") && (m = GUILD.matcher(path)).matches()) {
            return guild(Long.parseLong(m.group(1)));
        }
        if (method.equals("GET") && (m = GUILD_MEMBER.matcher(path)).matches()) {
            return guildMember(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
        }
        return Answer.error(404, 0, "404: Not Found");
    }

    /** Get Guild: the guild, or 10004 Unknown Guild for one the bot is not in. */
    private Answer guild(long guildId) {
        return discord.guilds().stream().filter(g -> g.id == guildId).findFirst()
                .map(g -> Answer.json(200, g.guildCreate()))
                .orElseGet(() -> Answer.error(404, 10004, "Unknown Guild"));
    }

    /** Get Guild Member: the member object, or 10007 Unknown Member. */
    private Answer guildMember(long guildId, long userId) {
        return discord.guilds().stream().filter(g -> g.id == guildId).findFirst()
                .flatMap(g -> g.members().stream().filter(m -> m.userId() == userId).findFirst().map(g::member))
                .map(member -> Answer.json(200, member))
                .orElseGet(() -> Answer.error(404, 10007, "Unknown Member"));
    }

    private Answer registerCommands(String path, ArrayNode payload) {
        ArrayNode registered = JSON.createArrayNode();
        for (JsonNode command : payload) {
            ObjectNode copy = ((ObjectNode) command).deepCopy();
            copy.put("id", Long.toString(Snowflakes.next()));
            copy.put("application_id", Long.toString(discord.botUserId()));
            copy.put("version", Long.toString(Snowflakes.next()));
            registered.add(copy);
        }
        commands.put(path.contains("/guilds/") ? "guild" : "global", registered);
        return Answer.json(200, registered);
    }

    private Answer webhookMessage(String method, String token, String messageRef, JsonNode payload,
                                  List<RecordedCall.UploadedFile> files) {
        FakeInteraction interaction = discord.interactionByToken(token);
        if (interaction == null || interaction.expired()) {
            return Answer.error(404, 10015, "Unknown Webhook");
        }
        long messageId = messageRef.equals("@original") ? interaction.originalMessageId() : Long.parseLong(messageRef);
        FakeMessage message = discord.message(messageId);
        if (message == null || message.deleted()) {
            return Answer.error(404, 10008, "Unknown Message");
        }
        return messageOperation(method, message, payload, files);
    }

    private Answer channelMessage(String method, long messageId, JsonNode payload, List<RecordedCall.UploadedFile> files) {
        FakeMessage message = discord.message(messageId);
        if (message == null || message.deleted()) {
            return Answer.error(404, 10008, "Unknown Message");
        }
        return messageOperation(method, message, payload, files);
    }

    private Answer messageOperation(String method, FakeMessage message, JsonNode payload,
                                    List<RecordedCall.UploadedFile> files) {
        switch (method) {
            case "GET":
                return Answer.json(200, message.json());
            case "DELETE":
                message.delete();
                return Answer.noContent();
            case "PATCH":
                Answer tooLarge = checkSizes(files);
                if (tooLarge != null) {
                    return tooLarge;
                }
                discord.edit(message, (ObjectNode) payload, files);
                return Answer.json(200, message.json());
            default:
                return Answer.error(405, 0, "405: Method Not Allowed");
        }
    }

    private Answer createChannelMessage(long channelId, JsonNode payload, List<RecordedCall.UploadedFile> files) {
        FakeGuild.Channel channel = discord.channel(channelId);
        if (!channel.botMayPost()) {
            return Answer.error(403, 50013, "Missing Permissions");
        }
        Answer tooLarge = checkSizes(files);
        if (tooLarge != null) {
            return tooLarge;
        }
        String nonce = payload.path("nonce").asText(null);
        boolean enforce = payload.path("enforce_nonce").asBoolean(false);
        if (nonce != null && enforce) {
            synchronized (nonces) {
                RememberedNonce earlier = nonces.get(channelId + ":" + nonce);
                if (earlier != null && System.nanoTime() - earlier.atNanos() < nonceMemory.toNanos()) {
                    return Answer.json(200, discord.message(earlier.messageId()).json());
                }
                FakeMessage created = discord.createMessage(channelId, false, (ObjectNode) payload, files);
                nonces.put(channelId + ":" + nonce, new RememberedNonce(created.id(), System.nanoTime()));
                return Answer.json(200, created.json());
            }
        }
        return Answer.json(200, discord.createMessage(channelId, false, (ObjectNode) payload, files).json());
    }

    /**
     * GET channels/{id}/messages: up to {@code limit} messages (default 50, at most 100), newest first: the newest ones,
     * those just before {@code before}, or those just after {@code after} (the oldest of the newer ones), as Discord.
     */
    private Answer channelHistory(long channelId, String query) {
        int count = param(query, "limit").map(v -> Math.min(100, Integer.parseInt(v))).orElse(50);
        List<FakeMessage> newestFirst = discord.channelHistory(channelId);
        java.util.Optional<Long> after = param(query, "after").map(Long::parseLong);
        java.util.Optional<Long> before = param(query, "before").map(Long::parseLong);
        List<FakeMessage> page;
        if (after.isPresent()) {
            List<FakeMessage> newer = new ArrayList<>(newestFirst.stream().filter(m -> m.id() > after.get()).toList());
            java.util.Collections.reverse(newer); // oldest first, to take the ones right after
            page = new ArrayList<>(newer.stream().limit(count).toList());
            java.util.Collections.reverse(page);
        } else {
            page = newestFirst.stream().filter(m -> before.isEmpty() || m.id() < before.get()).limit(count).toList();
        }
        ArrayNode json = JSON.createArrayNode();
        page.forEach(message -> json.add(message.json()));
        return Answer.json(200, json);
    }

    private static java.util.Optional<String> param(String query, String name) {
        Matcher m = Pattern.compile("(?:^|&)" + name + "=(\\d+)").matcher(query);
        return m.find() ? java.util.Optional.of(m.group(1)) : java.util.Optional.empty();
    }

    Answer checkSizes(List<RecordedCall.UploadedFile> files) {
        for (RecordedCall.UploadedFile file : files) {
            if (file.bytes().length > discord.attachmentSizeLimit()) {
                return Answer.error(413, 40005, "Request entity too large");
            }
        }
        return null;
    }

    private void serveAttachment(HttpExchange exchange, String path) throws IOException {
        String[] parts = path.split("/");
        FakeDiscord.HostedFile file = discord.hostedFile(Long.parseLong(parts[2]));
        if (file == null) {
            send(exchange, 404, "{}");
            return;
        }
        exchange.getResponseHeaders().add("Content-Type", file.contentType());
        exchange.sendResponseHeaders(200, file.bytes().length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(file.bytes());
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        if (body == null) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    static String timestamp() {
        return Instant.now().toString();
    }
}
