package dev.sdbot.testkit.fake;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * A guild the fake Discord serves: @everyone, a moderator role, an admin role and a bot role; an ordinary
 * channel, an age-restricted one and one where the bot may not post; the bot, a moderator, an admin and two
 * members. Any other user id may send interactions too (interactions carry their member). The fake serves two
 * guilds that share the bot and alice (one user, a member of both) and nothing else.
 */
public final class FakeGuild {
    public static final long VIEW_CHANNEL = 1L << 10;
    public static final long SEND_MESSAGES = 1L << 11;
    public static final long MANAGE_SERVER = 1L << 5;
    public static final long MANAGE_MESSAGES = 1L << 13;
    public static final long EMBED_LINKS = 1L << 14;
    public static final long ATTACH_FILES = 1L << 15;
    public static final long READ_MESSAGE_HISTORY = 1L << 16;
    public static final long USE_APPLICATION_COMMANDS = 1L << 31;
    public static final long SEND_MESSAGES_IN_THREADS = 1L << 38;
    public static final long EVERYONE_PERMISSIONS = VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | ATTACH_FILES
            | READ_MESSAGE_HISTORY | USE_APPLICATION_COMMANDS | SEND_MESSAGES_IN_THREADS;
    /** Channel types: https://discord.com/developers/docs/resources/channel#channel-object-channel-types */
    public static final int GUILD_TEXT = 0;
    public static final int PUBLIC_THREAD = 11;
    public static final int GUILD_FORUM = 15;

    /**
     * A text channel.
     *
     * @param hidden   hidden from @everyone (View Channel denied), seen by the moderator role and the bot
     * @param type     {@link #GUILD_TEXT}, {@link #GUILD_FORUM} or {@link #PUBLIC_THREAD}
     * @param parentId a thread's channel, else null
     */
    public record Channel(long id, String name, boolean ageRestricted, boolean botMayPost, boolean hidden, int type,
                          Long parentId) {
        Channel(long id, String name, boolean ageRestricted, boolean botMayPost) {
            this(id, name, ageRestricted, botMayPost, false, GUILD_TEXT, null);
        }

        /** A public thread of {@code parent} (a forum's threads are its posts); Discord has no nsfw flag on threads. */
        static Channel thread(String name, Channel parent) {
            return new Channel(Snowflakes.next(), name, false, true, false, PUBLIC_THREAD, parent.id());
        }

        public boolean thread() {
            return type == PUBLIC_THREAD;
        }
    }

    /** A member; a moderator has the Moderator role (Manage Messages), an admin the Admin role (Manage Server). */
    public record Member(long userId, String username, boolean moderator, boolean bot, boolean admin) {
        Member(long userId, String username, boolean moderator, boolean bot) {
            this(userId, username, moderator, bot, false);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    public final long id;
    public final long moderatorRoleId = Snowflakes.next();
    public final long botRoleId = Snowflakes.next();
    public final long adminRoleId = Snowflakes.next();
    /** Owns the guild (owners hold every permission) but never sends interactions in the tests. */
    public final long ownerId = Snowflakes.next();
    public final Channel general = new Channel(Snowflakes.next(), "general", false, true);
    public final Channel ageRestricted = new Channel(Snowflakes.next(), "after-dark", true, true);
    public final Channel readOnly = new Channel(Snowflakes.next(), "announcements", false, false);
    public final Channel modLog = new Channel(Snowflakes.next(), "mod-log", false, true, true, GUILD_TEXT, null);
    /** A forum channel (not age-restricted) and one of its posts; a thread of #after-dark. */
    public final Channel forum = new Channel(Snowflakes.next(), "gallery", false, true, false, GUILD_FORUM, null);
    public final Channel forumPost = Channel.thread("my-post", forum);
    public final Channel ageRestrictedThread = Channel.thread("after-dark-chat", ageRestricted);
    public final Member bot;
    public final Member moderator = new Member(Snowflakes.next(), "mod", true, false);
    public final Member alice;
    public final Member bob = new Member(Snowflakes.next(), "bob", false, false);
    public final Member admin = new Member(Snowflakes.next(), "admin", false, false, true);
    /** Moderates #after-dark alone: Manage Messages there through a member overwrite, nowhere else. */
    public final Member carol = new Member(Snowflakes.next(), "carol", false, false);
    /** Channels once hidden that a test made visible to @everyone (see {@link FakeDiscord#exposeChannel}). */
    private final java.util.Set<Long> exposed = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final String name;

    /** Whether the gateway announces the guild (READY, GUILD_CREATE); see {@link FakeDiscord#withholdFromGateway}. */
    volatile boolean announced = true;

    FakeGuild(long botUserId, long id) {
        this(botUserId, id, "Test Guild", null);
    }

    /** A guild whose alice is {@code sharedAlice} (the same user in two guilds), or a new user if null. */
    FakeGuild(long botUserId, long id, String name, Member sharedAlice) {
        this.id = id;
        this.bot = new Member(botUserId, "sdbot", false, true);
        this.name = name;
        this.alice = sharedAlice != null ? sharedAlice : new Member(Snowflakes.next(), "alice", false, false);
    }

    public String name() {
        return name;
    }

    public boolean hasChannel(long channelId) {
        return channels().stream().anyMatch(c -> c.id() == channelId);
    }

    public List<Channel> channels() {
        return List.of(general, ageRestricted, readOnly, modLog, forum, forumPost, ageRestrictedThread);
    }

    public List<Member> members() {
        return List.of(bot, moderator, alice, bob, admin, carol);
    }

    public Channel channel(long channelId) {
        return channels().stream().filter(c -> c.id() == channelId).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no channel " + channelId));
    }

    /** A member who is not in the GUILD_CREATE member list (load tests use many of them). */
    public Member user(String username) {
        return new Member(Snowflakes.next(), username, false, false);
    }

    ObjectNode guildCreate() {
        ObjectNode g = JSON.createObjectNode();
        g.put("id", Long.toString(id));
        g.put("name", name);
        g.put("owner_id", Long.toString(ownerId));
        g.put("afk_timeout", 300);
        g.put("unavailable", false);
        g.put("large", false);
        g.put("premium_tier", 0);
        g.put("verification_level", 0);
        g.put("default_message_notifications", 0);
        g.put("explicit_content_filter", 0);
        g.put("mfa_level", 0);
        g.put("nsfw_level", 0);
        g.put("system_channel_flags", 0);
        g.put("preferred_locale", "en-US");
        g.putArray("features");
        ArrayNode roles = g.putArray("roles");
        roles.add(role(id, "@everyone", EVERYONE_PERMISSIONS, 0));
        roles.add(role(moderatorRoleId, "Moderator", MANAGE_MESSAGES, 1));
        roles.add(role(botRoleId, "sdbot", EVERYONE_PERMISSIONS, 2));
        roles.add(role(adminRoleId, "Admin", MANAGE_SERVER, 3));
        ArrayNode channels = g.putArray("channels");
        ArrayNode threads = g.putArray("threads");
        int position = 0;
        for (Channel c : channels()) {
            (c.thread() ? threads : channels).add(channel(c, position++));
        }
        ArrayNode members = g.putArray("members");
        for (Member m : members()) {
            members.add(member(m));
        }
        g.put("member_count", members.size());
        for (String empty : List.of("guild_scheduled_events", "emojis", "stickers", "voice_states",
                "presences", "stage_instances", "soundboard_sounds")) {
            g.putArray(empty);
        }
        return g;
    }

    ObjectNode channel(Channel c, int position) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", Long.toString(c.id()));
        n.put("type", c.type());
        n.put("guild_id", Long.toString(id));
        n.put("name", c.name());
        if (c.thread()) {
            return thread(n, c);
        }
        if (c.type() == GUILD_FORUM) {
            n.putNull("topic");
            n.putArray("available_tags");
            n.putNull("default_reaction_emoji");
            n.put("default_thread_rate_limit_per_user", 0);
            n.put("default_sort_order", 0);
            n.put("default_forum_layout", 0);
            n.put("flags", 0);
        }
        n.put("position", position);
        n.put("nsfw", c.ageRestricted());
        n.put("rate_limit_per_user", 0);
        ArrayNode overwrites = n.putArray("permission_overwrites");
        if (!c.botMayPost()) {
            overwrite(overwrites, bot.userId(), 1, 0, SEND_MESSAGES | ATTACH_FILES);
        }
        if (c.hidden() && !exposed.contains(c.id())) {
            overwrite(overwrites, id, 0, 0, VIEW_CHANNEL); // the @everyone role's id is the guild's
            overwrite(overwrites, moderatorRoleId, 0, VIEW_CHANNEL, 0);
            overwrite(overwrites, botRoleId, 0, VIEW_CHANNEL, 0);
        }
        if (c == ageRestricted) {
            overwrite(overwrites, carol.userId(), 1, MANAGE_MESSAGES, 0);
        }
        return n;
    }

    /** A thread's fields (it has no overwrites: its parent's apply). */
    private ObjectNode thread(ObjectNode n, Channel c) {
        n.put("parent_id", Long.toString(c.parentId()));
        n.put("owner_id", Long.toString(alice.userId()));
        n.put("rate_limit_per_user", 0);
        n.put("message_count", 0);
        n.put("total_message_sent", 0);
        n.put("member_count", 1);
        n.put("flags", 0);
        n.putNull("last_message_id");
        n.putArray("applied_tags");
        ObjectNode metadata = n.putObject("thread_metadata");
        metadata.put("archived", false);
        metadata.put("auto_archive_duration", 1440);
        metadata.put("archive_timestamp", "2024-01-01T00:00:00.000000+00:00");
        metadata.put("locked", false);
        metadata.put("create_timestamp", "2024-01-01T00:00:00.000000+00:00");
        return n;
    }

    private static void overwrite(ArrayNode overwrites, long targetId, int type, long allow, long deny) {
        ObjectNode o = overwrites.addObject();
        o.put("id", Long.toString(targetId));
        o.put("type", type); // 0 role, 1 member
        o.put("allow", Long.toString(allow));
        o.put("deny", Long.toString(deny));
    }

    /** Drops (or restores) the overwrites that hide {@code c} (its CHANNEL_UPDATE is the caller's to send). */
    void expose(Channel c, boolean exposedNow) {
        if (exposedNow) {
            exposed.add(c.id());
        } else {
            exposed.remove(c.id());
        }
    }

    ObjectNode channelStub(Channel c) {
        return channel(c, channels().indexOf(c));
    }

    ObjectNode member(Member m) {
        ObjectNode n = JSON.createObjectNode();
        n.set("user", user(m));
        ArrayNode roles = n.putArray("roles");
        if (m.moderator()) {
            roles.add(Long.toString(moderatorRoleId));
        }
        if (m.bot()) {
            roles.add(Long.toString(botRoleId));
        }
        if (m.admin()) {
            roles.add(Long.toString(adminRoleId));
        }
        n.put("joined_at", "2024-01-01T00:00:00.000000+00:00");
        n.put("deaf", false);
        n.put("mute", false);
        n.put("flags", 0);
        n.put("pending", false);
        return n;
    }

    ObjectNode interactionMember(Member m) {
        ObjectNode n = member(m);
        long permissions = EVERYONE_PERMISSIONS | (m.moderator() ? MANAGE_MESSAGES : 0) | (m.admin() ? MANAGE_SERVER : 0);
        n.put("permissions", Long.toString(permissions));
        return n;
    }

    static ObjectNode user(Member m) {
        ObjectNode u = JSON.createObjectNode();
        u.put("id", Long.toString(m.userId()));
        u.put("username", m.username());
        u.put("discriminator", "0");
        u.put("bot", m.bot());
        u.putNull("avatar");
        u.putNull("global_name");
        return u;
    }

    private static ObjectNode role(long id, String name, long permissions, int position) {
        ObjectNode r = JSON.createObjectNode();
        r.put("id", Long.toString(id));
        r.put("name", name);
        r.put("color", 0);
        r.putObject("colors").put("primary_color", 0).putNull("secondary_color").putNull("tertiary_color");
        r.put("hoist", false);
        r.put("position", position);
        r.put("permissions", Long.toString(permissions));
        r.put("managed", false);
        r.put("mentionable", false);
        r.put("flags", 0);
        return r;
    }
}
