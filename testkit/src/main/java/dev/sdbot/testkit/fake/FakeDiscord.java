package dev.sdbot.testkit.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * A local fake Discord that the real JDA client connects to: REST on http://127.0.0.1 and a websocket
 * gateway on ws://127.0.0.1. It serves two {@link FakeGuild}s ({@link #guild()} and {@link #otherGuild()}, which
 * share the bot and alice), sends slash-command, autocomplete and button interactions in either, serves attachment URLs, keeps the messages JDA creates and edits, and records every REST
 * call. Like Discord it answers late acknowledgements with 404 10062, expired interaction tokens with
 * 404 10015, files over the attachment size limit with 413, repeated enforced nonces with the earlier
 * message for as long as Discord remembers a nonce (a few minutes, settable); tests can inject 429s and other failures.
 */
public final class FakeDiscord implements AutoCloseable {
    public static final String BOT_TOKEN = "fake-bot-token";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A file served under /attachments/ (interaction attachments and uploaded message files). */
    public record HostedFile(long id, String filename, String contentType, byte[] bytes, long declaredSize) {
    }

    private final long botUserId = Snowflakes.next();
    /** Shard 0 and shard 1 of 2, so that tests of bot processes with shard ranges can give each its own guild. */
    private final FakeGuild guild = new FakeGuild(botUserId, Snowflakes.onShard(0, 2));
    private final FakeGuild otherGuild = new FakeGuild(botUserId, Snowflakes.onShard(1, 2), "Other Guild", guild.alice);
    /** {@link #guild()}, {@link #otherGuild()} and the extra guilds of {@link #start(int, int)}. */
    private final List<FakeGuild> guilds;
    private final FakeGateway gateway;
    private final FakeRest rest;
    private final Map<Long, FakeInteraction> interactions = new ConcurrentHashMap<>();
    private final Map<String, FakeInteraction> interactionsByToken = new ConcurrentHashMap<>();
    private final Map<Long, FakeMessage> messages = new ConcurrentHashMap<>();
    private final Map<Long, HostedFile> hostedFiles = new ConcurrentHashMap<>();
    private volatile long attachmentSizeLimit = 10L * 1024 * 1024;
    private volatile Duration ackDeadline = Duration.ofSeconds(3);

    private FakeDiscord(int extraGuilds, int shards) throws IOException {
        List<FakeGuild> all = new java.util.ArrayList<>(List.of(guild, otherGuild));
        for (int i = 0; i < extraGuilds; i++) {
            int n = all.size();
            all.add(new FakeGuild(botUserId, Snowflakes.onShard(n % shards, shards), "Guild " + n, null));
        }
        this.guilds = List.copyOf(all);
        this.gateway = new FakeGateway(guilds, botUserId);
        this.rest = new FakeRest(this);
    }

    public static FakeDiscord start() throws IOException, InterruptedException {
        return start(2, 2);
    }

    /**
     * A fake with {@code guildCount} guilds (at least the two of {@link #start()}); guild {@code n >= 2} is on shard
     * {@code n % shards} of {@code shards} (for simulations of several bot processes with shard ranges).
     */
    public static FakeDiscord start(int guildCount, int shards) throws IOException, InterruptedException {
        if (guildCount < 2 || shards < 1) {
            throw new IllegalArgumentException("a fake Discord has at least 2 guilds and 1 shard");
        }
        FakeDiscord discord = new FakeDiscord(guildCount - 2, shards);
        discord.rest.start();
        discord.gateway.startAndWait();
        return discord;
    }

    @Override
    public void close() throws InterruptedException {
        gateway.stop(1000);
        rest.stop();
    }

    public String apiBaseUrl() {
        return rest.baseUrl();
    }

    public String gatewayUrl() {
        return gateway.url();
    }

    /** The first guild: the one most tests use. */
    public FakeGuild guild() {
        return guild;
    }

    /** The second guild, for isolation tests; its alice is the same user as the first guild's. */
    public FakeGuild otherGuild() {
        return otherGuild;
    }

    public List<FakeGuild> guilds() {
        return guilds;
    }

    /** The guild that has the channel. */
    public FakeGuild guildOf(long channelId) {
        return guilds().stream().filter(g -> g.hasChannel(channelId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no channel " + channelId));
    }

    public FakeGuild.Channel channel(long channelId) {
        return guildOf(channelId).channel(channelId);
    }

    public long botUserId() {
        return botUserId;
    }

    // ---- configuration of Discord's behaviour -------------------------------------------------------

    /** The attachment_size_limit sent with interactions and enforced on uploads (413 above it). */
    public void attachmentSizeLimit(long bytes) {
        this.attachmentSizeLimit = bytes;
    }

    public long attachmentSizeLimit() {
        return attachmentSizeLimit;
    }

    public void ackDeadline(Duration deadline) {
        this.ackDeadline = deadline;
    }

    /** Makes every interaction token sent so far invalid, as 15 minutes after the interaction. */
    public void expireInteractionTokens() {
        interactions.values().forEach(FakeInteraction::expire);
    }

    /** Answers the next {@code times} calls matching method and path regex with 429 and Retry-After. */
    public void rateLimitNext(String method, String pathRegex, double retryAfterSeconds, int times) {
        rest.inject(method, pathRegex, 429,
                Map.of("Retry-After", Long.toString((long) Math.ceil(retryAfterSeconds)), "Via", "1.1 google",
                        "X-RateLimit-Scope", "user"),
                "{\"message\":\"You are being rate limited.\",\"retry_after\":" + retryAfterSeconds + ",\"global\":false}",
                times);
    }

    /** Answers the next {@code times} calls matching method and path regex with the given error. */
    public void failNext(String method, String pathRegex, int status, int code, int times) {
        rest.inject(method, pathRegex, status, Map.of(), "{\"code\":" + code + ",\"message\":\"injected\"}", times);
    }

    /** Closes the gateway sockets; JDA reconnects and resumes, receiving the events it missed. */
    /**
     * A moderator made a hidden channel visible to @everyone ({@code exposed}) or hid it again: CHANNEL_UPDATE with
     * its new overwrites.
     */
    public void exposeChannel(FakeGuild.Channel channel, boolean exposed) {
        FakeGuild guild = guildOf(channel.id());
        guild.expose(channel, exposed);
        gateway.dispatch(guild.id, "CHANNEL_UPDATE", guild.channelStub(channel));
    }

    /**
     * Whether the gateway leaves the guild out of READY and GUILD_CREATE at the next IDENTIFY (the bot is still a
     * member, as Get Guild says): a guild that is not yet in the bot's cache after a reconnect.
     */
    public void withholdFromGateway(FakeGuild guild, boolean withheld) {
        guild.announced = !withheld;
    }

    public void dropGatewayConnections() {
        gateway.dropConnections();
    }

    public int gatewayIdentifies() {
        return gateway.identifies();
    }

    public int gatewayResumes() {
        return gateway.resumes();
    }

    // ---- sending interactions -------------------------------------------------------------------------

    /** Serves a file to be used as an attachment option. */
    public HostedFile hostAttachment(String filename, String contentType, byte[] bytes) {
        return hostAttachment(filename, contentType, bytes, bytes.length);
    }

    /** Serves a file whose attachment metadata claims {@code declaredSize} bytes. */
    public HostedFile hostAttachment(String filename, String contentType, byte[] bytes, long declaredSize) {
        HostedFile file = new HostedFile(Snowflakes.next(), filename, contentType, bytes, declaredSize);
        hostedFiles.put(file.id(), file);
        return file;
    }

    /** A role option's value. */
    public record RoleOption(long id) {
    }

    /**
     * Options in order; values are String, Integer/Long, Double, Boolean, {@link HostedFile}, a
     * {@link FakeGuild.Member} (user option, resolved as a member of the interaction's guild when it is one), a
     * {@link FakeGuild.Channel} (channel option) or a {@link RoleOption}.
     */
    public static Map<String, Object> options(Object... namesAndValues) {
        Map<String, Object> options = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            options.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return options;
    }

    /** A slash command; {@code command} may name a subcommand and its group: "mod nsfw set". */
    public FakeInteraction slashCommand(FakeGuild.Member user, FakeGuild.Channel channel, String command,
                                        Map<String, Object> options) {
        return commandInteraction(2, user, channel, command, null, null, options, null);
    }

    /** A subcommand, e.g. {@code /mod filter add} is ("mod", "filter", "add"); {@code group} may be null. */
    public FakeInteraction subcommand(FakeGuild.Member user, FakeGuild.Channel channel, String command, String group,
                                      String subcommand, Map<String, Object> options) {
        return commandInteraction(2, user, channel, command, group, subcommand, options, null);
    }

    /** An autocomplete interaction (type 4) with {@code focused} being the option the user is typing. */
    public FakeInteraction autocomplete(FakeGuild.Member user, FakeGuild.Channel channel, String command,
                                        Map<String, Object> options, String focused) {
        return commandInteraction(4, user, channel, command, null, null, options, focused);
    }

    /** A button click on the message, in the message's guild; the custom id may be anything (forged ones too). */
    public FakeInteraction clickButton(FakeGuild.Member user, FakeMessage message, String customId) {
        FakeGuild.Channel channel = channel(message.channelId());
        FakeInteraction interaction = newInteraction(3, user, channel, message.id());
        ObjectNode payload = interactionPayload(interaction);
        payload.putObject("data").put("component_type", 2).put("custom_id", customId);
        payload.set("message", message.json());
        gateway.dispatch(interaction.guild().id, "INTERACTION_CREATE", payload);
        return interaction;
    }

    /** An interaction the fake knows about but sends to nobody (to test its REST answers alone). */
    FakeInteraction slashCommandWithoutGateway(FakeGuild.Member user, FakeGuild.Channel channel, String command) {
        return newInteraction(2, user, channel, 0);
    }

    private FakeInteraction commandInteraction(int type, FakeGuild.Member user, FakeGuild.Channel channel,
                                               String command, String group, String subcommand,
                                               Map<String, Object> options, String focused) {
        FakeInteraction interaction = newInteraction(type, user, channel, 0);
        ObjectNode payload = interactionPayload(interaction);
        ObjectNode data = payload.putObject("data");
        String[] path = command.split(" "); // "admin quota set": command, subcommand group, subcommand
        data.put("id", commandId(path[0]));
        data.put("name", path[0]);
        data.put("type", 1);
        ArrayNode list = data.putArray("options");
        for (int i = 1; i < path.length; i++) {
            list = list.addObject().put("name", path[i]).put("type", i == path.length - 1 ? 1 : 2).putArray("options");
        }
        if (group != null) {
            list = list.addObject().put("name", group).put("type", 2).putArray("options");
        }
        if (subcommand != null) {
            list = list.addObject().put("name", subcommand).put("type", 1).putArray("options");
        }
        ArrayNode optionList = list;
        ObjectNode resolvedAttachments = JSON.createObjectNode();
        ObjectNode resolved = JSON.createObjectNode();
        options.forEach((name, value) -> {
            ObjectNode option = optionList.addObject().put("name", name);
            if (value instanceof HostedFile file) {
                option.put("type", 11).put("value", Long.toString(file.id()));
                resolvedAttachments.set(Long.toString(file.id()), attachmentJson(file));
            } else if (value instanceof FakeGuild.Member member) {
                String id = Long.toString(member.userId());
                option.put("type", 6).put("value", id);
                resolved.with("users").set(id, FakeGuild.user(member));
                if (interaction.guild().members().contains(member)) {
                    ObjectNode memberJson = interaction.guild().interactionMember(member);
                    memberJson.remove("user");
                    resolved.with("members").set(id, memberJson);
                }
            } else if (value instanceof FakeGuild.Channel chosen) {
                option.put("type", 7).put("value", Long.toString(chosen.id()));
                resolved.with("channels").set(Long.toString(chosen.id()), interaction.guild().channelStub(chosen)
                        .put("permissions", Long.toString(FakeGuild.EVERYONE_PERMISSIONS)));
            } else if (value instanceof RoleOption role) {
                option.put("type", 8).put("value", Long.toString(role.id()));
                resolved.with("roles").putObject(Long.toString(role.id())).put("id", Long.toString(role.id()));
            } else if (value instanceof Integer || value instanceof Long) {
                option.put("type", 4).put("value", ((Number) value).longValue());
            } else if (value instanceof Double d) {
                option.put("type", 10).put("value", d);
            } else if (value instanceof Boolean b) {
                option.put("type", 5).put("value", b);
            } else {
                option.put("type", 3).put("value", value.toString());
            }
            if (name.equals(focused)) {
                option.put("focused", true);
            }
        });
        if (!resolvedAttachments.isEmpty()) {
            resolved.set("attachments", resolvedAttachments);
        }
        if (!resolved.isEmpty()) {
            data.set("resolved", resolved);
        }
        gateway.dispatch(interaction.guild().id, "INTERACTION_CREATE", payload);
        return interaction;
    }

    private String commandId(String name) {
        for (String scope : List.of("guild", "global")) {
            ArrayNode registered = rest.commands(scope);
            if (registered != null) {
                for (JsonNode command : registered) {
                    if (command.path("name").asText().equals(name)) {
                        return command.path("id").asText();
                    }
                }
            }
        }
        return Long.toString(Snowflakes.next());
    }

    private FakeInteraction newInteraction(int type, FakeGuild.Member user, FakeGuild.Channel channel,
                                           long componentMessageId) {
        FakeInteraction interaction = new FakeInteraction(Snowflakes.next(), UUID.randomUUID().toString(), type,
                guildOf(channel.id()), user, channel, componentMessageId);
        interactions.put(interaction.id(), interaction);
        interactionsByToken.put(interaction.token(), interaction);
        return interaction;
    }

    private ObjectNode interactionPayload(FakeInteraction interaction) {
        FakeGuild guild = interaction.guild();
        ObjectNode payload = JSON.createObjectNode();
        payload.put("id", Long.toString(interaction.id()));
        payload.put("application_id", Long.toString(botUserId));
        payload.put("type", interaction.type());
        payload.put("token", interaction.token());
        payload.put("version", 1);
        payload.put("guild_id", Long.toString(guild.id));
        payload.putObject("guild").put("id", Long.toString(guild.id)).put("locale", "en-US").putArray("features");
        payload.put("channel_id", Long.toString(interaction.channel().id()));
        payload.set("channel", guild.channelStub(interaction.channel()));
        payload.set("member", guild.interactionMember(interaction.user()));
        payload.put("app_permissions", Long.toString(FakeGuild.EVERYONE_PERMISSIONS));
        payload.put("locale", "en-US");
        payload.put("guild_locale", "en-US");
        payload.putArray("entitlements");
        payload.putObject("authorizing_integration_owners").put("0", Long.toString(guild.id));
        payload.put("context", 0);
        payload.put("attachment_size_limit", attachmentSizeLimit);
        return payload;
    }

    // ---- what the bot did -----------------------------------------------------------------------------

    public List<RecordedCall> calls() {
        return rest.calls();
    }

    public List<RecordedCall> calls(String method, String pathRegex) {
        return rest.calls().stream().filter(c -> c.is(method, pathRegex)).toList();
    }

    /** Commands registered by PUT, "guild" or "global" scope; null before registration. */
    public ArrayNode registeredCommands(String scope) {
        return rest.commands(scope);
    }

    /** The interaction's original response message (a deferred reply, or the clicked message for buttons). */
    public Optional<FakeMessage> original(FakeInteraction interaction) {
        if (!interaction.acknowledged()) {
            return Optional.empty();
        }
        return Optional.ofNullable(messages.get(interaction.originalMessageId()));
    }

    /** Ephemeral messages the interaction produced (an ephemeral reply and ephemeral follow-ups). */
    public List<FakeMessage> ephemerals(FakeInteraction interaction) {
        return messagesOf(interaction).stream().filter(FakeMessage::ephemeral).toList();
    }

    /** Messages everyone in the channel can see: not ephemeral, not deleted, not a bare placeholder. */
    public List<FakeMessage> visibleMessages(FakeGuild.Channel channel) {
        return messages.values().stream()
                .filter(m -> m.channelId() == channel.id() && !m.ephemeral() && !m.deleted() && !m.loading())
                .sorted(Comparator.comparingLong(FakeMessage::id))
                .toList();
    }

    /** How long enforced nonces are remembered; Discord forgets them after a few minutes (default 5). */
    public void nonceMemory(Duration memory) {
        rest.nonceMemory(memory);
    }

    /** What GET channels/{id}/messages lists: the channel's non-ephemeral, undeleted messages, newest first (the
     * REST side pages it with limit, before and after as Discord does). */
    List<FakeMessage> channelHistory(long channelId) {
        return messages.values().stream()
                .filter(m -> m.channelId() == channelId && !m.ephemeral() && !m.deleted())
                .sorted(Comparator.comparingLong(FakeMessage::id).reversed())
                .toList();
    }

    public FakeMessage message(long id) {
        return messages.get(id);
    }

    private final Map<Long, List<Long>> messagesByInteraction = new ConcurrentHashMap<>();

    private List<FakeMessage> messagesOf(FakeInteraction interaction) {
        return messagesByInteraction.getOrDefault(interaction.id(), List.of()).stream().map(messages::get)
                .collect(Collectors.toList());
    }

    // ---- REST behaviour (called by FakeRest) ------------------------------------------------------------

    FakeInteraction interactionByToken(String token) {
        return interactionsByToken.get(token);
    }

    HostedFile hostedFile(long id) {
        return hostedFiles.get(id);
    }

    FakeRest.Answer callback(long interactionId, String token, JsonNode payload, List<RecordedCall.UploadedFile> files) {
        FakeInteraction interaction = interactions.get(interactionId);
        long now = System.nanoTime();
        if (interaction != null) {
            interaction.callbackArrived(now);
        }
        if (interaction == null || !interaction.token().equals(token)
                || now - interaction.sentNanos() > ackDeadline.toNanos()) {
            return FakeRest.Answer.error(404, 10062, "Unknown interaction");
        }
        synchronized (interaction) {
            if (interaction.acknowledged()) {
                return FakeRest.Answer.error(400, 40060, "Interaction has already been acknowledged.");
            }
            FakeRest.Answer tooLarge = rest.checkSizes(files);
            if (tooLarge != null) {
                return tooLarge;
            }
            int type = payload.path("type").asInt();
            ObjectNode data = payload.has("data") ? (ObjectNode) payload.get("data") : JSON.createObjectNode();
            boolean ephemeral = (data.path("flags").asInt() & 64) != 0;
            switch (type) {
                case 4 -> interaction.original(createInteractionMessage(interaction, ephemeral, data, files).id());
                case 5 -> {
                    ObjectNode placeholder = JSON.createObjectNode().put("content", "").put("flags", 128 | (ephemeral ? 64 : 0));
                    interaction.original(createInteractionMessage(interaction, ephemeral, placeholder, List.of()).id());
                }
                case 7 -> edit(messages.get(interaction.originalMessageId()), data, files);
                default -> {
                    // 6 (deferred edit), 8 (autocomplete choices) and 9 (modal) create nothing
                }
            }
            interaction.acknowledged(type, now);
        }
        return FakeRest.Answer.noContent();
    }

    FakeRest.Answer followUp(String token, JsonNode payload, List<RecordedCall.UploadedFile> files) {
        FakeInteraction interaction = interactionsByToken.get(token);
        if (interaction == null || interaction.expired()) {
            return FakeRest.Answer.error(404, 10015, "Unknown Webhook");
        }
        FakeRest.Answer tooLarge = rest.checkSizes(files);
        if (tooLarge != null) {
            return tooLarge;
        }
        boolean ephemeral = (payload.path("flags").asInt() & 64) != 0;
        return FakeRest.Answer.json(200, createInteractionMessage(interaction, ephemeral, (ObjectNode) payload, files).json());
    }

    private FakeMessage createInteractionMessage(FakeInteraction interaction, boolean ephemeral, ObjectNode payload,
                                                 List<RecordedCall.UploadedFile> files) {
        FakeMessage message = createMessage(interaction.channel().id(), ephemeral, payload, files);
        messagesByInteraction.computeIfAbsent(interaction.id(), k -> new java.util.concurrent.CopyOnWriteArrayList<>())
                .add(message.id());
        return message;
    }

    FakeMessage createMessage(long channelId, boolean ephemeral, ObjectNode payload, List<RecordedCall.UploadedFile> files) {
        return createMessage(guild.bot, channelId, ephemeral, payload, files);
    }

    /** A member's ordinary message: chatter that pushes older messages off the channel's last page of history. */
    public FakeMessage memberMessage(FakeGuild.Member author, FakeGuild.Channel channel, String content) {
        return createMessage(author, channel.id(), false, JSON.createObjectNode().put("content", content), List.of());
    }

    private FakeMessage createMessage(FakeGuild.Member author, long channelId, boolean ephemeral, ObjectNode payload,
                                      List<RecordedCall.UploadedFile> files) {
        long id = Snowflakes.next();
        ObjectNode json = JSON.createObjectNode();
        json.put("id", Long.toString(id));
        json.put("type", 0);
        json.put("channel_id", Long.toString(channelId));
        json.put("guild_id", Long.toString(guildOf(channelId).id));
        json.set("author", FakeGuild.user(author));
        json.put("timestamp", FakeRest.timestamp());
        json.putNull("edited_timestamp");
        json.put("tts", false);
        json.put("mention_everyone", false);
        json.putArray("mentions");
        json.putArray("mention_roles");
        json.put("pinned", false);
        json.put("content", "");
        json.putArray("embeds");
        json.putArray("components");
        json.putArray("attachments");
        json.put("flags", 0);
        FakeMessage message = new FakeMessage(id, channelId, ephemeral, json);
        messages.put(id, message);
        edit(message, payload, files, false);
        return message;
    }

    void edit(FakeMessage message, ObjectNode payload, List<RecordedCall.UploadedFile> files) {
        edit(message, payload, files, true);
    }

    private void edit(FakeMessage message, ObjectNode payload, List<RecordedCall.UploadedFile> files, boolean isEdit) {
        synchronized (message) {
            ObjectNode json = message.json().deepCopy();
            for (String field : List.of("content", "components", "flags", "nonce")) {
                if (payload.has(field) && !payload.get(field).isNull()) {
                    json.set(field, payload.get(field));
                }
            }
            if (isEdit) {
                json.put("flags", json.path("flags").asInt() & ~128);
                json.put("edited_timestamp", FakeRest.timestamp());
            }
            if (payload.has("embeds")) {
                ArrayNode embeds = payload.get("embeds").deepCopy();
                embeds.forEach(e -> ((ObjectNode) e).put("type", "rich"));
                json.set("embeds", embeds);
            }
            List<RecordedCall.UploadedFile> kept = new ArrayList<>();
            ArrayNode attachments = JSON.createArrayNode();
            JsonNode wanted = payload.get("attachments");
            List<RecordedCall.UploadedFile> oldFiles = message.files();
            JsonNode oldAttachments = message.json().path("attachments");
            for (int i = 0; i < oldAttachments.size(); i++) {
                String oldId = oldAttachments.get(i).path("id").asText();
                boolean keep = wanted == null
                        ? files.isEmpty()
                        : java.util.stream.StreamSupport.stream(wanted.spliterator(), false)
                        .anyMatch(a -> a.path("id").asText().equals(oldId));
                if (keep) {
                    attachments.add(oldAttachments.get(i));
                    kept.add(oldFiles.get(i));
                }
            }
            for (int i = 0; i < files.size(); i++) {
                RecordedCall.UploadedFile file = renamed(files.get(i), i, wanted);
                HostedFile hosted = hostAttachment(file.filename(), contentType(file.filename()), file.bytes());
                attachments.add(attachmentJson(hosted));
                kept.add(file);
            }
            json.set("attachments", attachments);
            if (isEdit) {
                message.edited(json, kept);
            } else {
                message.replace(json, kept);
            }
        }
    }

    /** Like Discord, the payload's attachment entry {id: index} names the file and marks spoilers. */
    private static RecordedCall.UploadedFile renamed(RecordedCall.UploadedFile file, int index, JsonNode attachments) {
        if (attachments == null) {
            return file;
        }
        for (JsonNode a : attachments) {
            if (a.path("id").asText().equals(Integer.toString(index))) {
                String name = a.path("filename").asText(file.filename());
                if (a.path("is_spoiler").asBoolean(false) && !name.startsWith("SPOILER_")) {
                    name = "SPOILER_" + name;
                }
                return new RecordedCall.UploadedFile(file.field(), name, file.bytes());
            }
        }
        return file;
    }

    private ObjectNode attachmentJson(HostedFile file) {
        String url = rest.attachmentUrl(file.id(), file.filename());
        return JSON.createObjectNode().put("id", Long.toString(file.id())).put("filename", file.filename())
                .put("size", file.declaredSize()).put("url", url).put("proxy_url", url)
                .put("content_type", file.contentType());
    }

    private static String contentType(String filename) {
        return filename != null && filename.endsWith(".png") ? "image/png" : "application/octet-stream";
    }
}
