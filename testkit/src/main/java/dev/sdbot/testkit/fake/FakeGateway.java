package dev.sdbot.testkit.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The websocket gateway: HELLO, READY and GUILD_CREATE for IDENTIFY, RESUMED (with the events missed
 * while disconnected) for RESUME, heartbeat ACKs, and dispatch of events to the shard owning a guild.
 */
final class FakeGateway extends WebSocketServer {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A gateway session; it outlives its socket so that JDA can resume it. */
    private static final class Session {
        final String id = UUID.randomUUID().toString();
        final int shard;
        final int shardCount;
        int sequence;
        WebSocket socket;
        final List<ObjectNode> missed = new ArrayList<>();

        Session(int shard, int shardCount) {
            this.shard = shard;
            this.shardCount = shardCount;
        }

        boolean owns(long guildId) {
            return (guildId >> 22) % shardCount == shard;
        }
    }

    private final List<FakeGuild> guilds;
    private final FakeGuild.Member bot;
    private final long botUserId;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final CountDownLatch started = new CountDownLatch(1);
    private final AtomicInteger identifies = new AtomicInteger();
    private final AtomicInteger resumes = new AtomicInteger();

    FakeGateway(List<FakeGuild> guilds, long botUserId) {
        super(new InetSocketAddress("127.0.0.1", 0));
        this.guilds = List.copyOf(guilds);
        this.bot = guilds.get(0).bot;
        this.botUserId = botUserId;
        setReuseAddr(true);
    }

    void startAndWait() throws InterruptedException {
        start();
        if (!started.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("gateway did not start");
        }
    }

    String url() {
        return "ws://127.0.0.1:" + getPort() + "/";
    }

    int identifies() {
        return identifies.get();
    }

    int resumes() {
        return resumes.get();
    }

    /** Sends a dispatch event to the session of the shard that owns the guild (buffered while it is disconnected). */
    void dispatch(long guildId, String type, JsonNode data) {
        Session session = sessions.values().stream().filter(s -> s.owns(guildId)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no gateway session owns guild " + guildId));
        synchronized (session) {
            ObjectNode event = event(session, type, data);
            if (session.socket == null || !session.socket.isOpen()) {
                session.missed.add(event);
            } else {
                session.socket.send(event.toString());
            }
        }
    }

    /** Closes every socket with a resumable close code; JDA reconnects and resumes. */
    void dropConnections() {
        for (Session session : sessions.values()) {
            synchronized (session) {
                if (session.socket != null) {
                    session.socket.close(4000, "fake: unknown error, reconnect");
                    session.socket = null;
                }
            }
        }
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {
    }

    @Override
    public void onMessage(WebSocket conn, String message) {
        JsonNode payload = read(message);
        switch (payload.path("op").asInt(-1)) {
            case 1 -> conn.send("{\"op\":11}");
            case 2 -> identify(conn, payload.path("d"));
            case 6 -> resume(conn, payload.path("d"));
            default -> {
                // presence updates, request-guild-members and the like are accepted and ignored
            }
        }
    }

    private void identify(WebSocket conn, JsonNode d) {
        identifies.incrementAndGet();
        int shard = d.path("shard").path(0).asInt(0);
        int shardCount = Math.max(1, d.path("shard").path(1).asInt(1));
        Session session = new Session(shard, shardCount);
        sessions.values().removeIf(s -> s.shard == shard);
        sessions.put(session.id, session);
        synchronized (session) {
            session.socket = conn;
            conn.send(hello());
            ObjectNode ready = JSON.createObjectNode();
            ready.put("v", 10);
            ready.set("user", FakeGuild.user(bot));
            ready.putArray("private_channels");
            ready.putArray("guilds");
            for (FakeGuild guild : guilds) {
                if (session.owns(guild.id) && guild.announced) {
                    ready.withArray("guilds").addObject().put("id", Long.toString(guild.id)).put("unavailable", true);
                }
            }
            ready.put("session_id", session.id);
            ready.put("resume_gateway_url", url());
            ready.putObject("application").put("id", Long.toString(botUserId)).put("flags", 0);
            ready.putArray("shard").add(shard).add(shardCount);
            conn.send(event(session, "READY", ready).toString());
            for (FakeGuild guild : guilds) {
                if (session.owns(guild.id) && guild.announced) {
                    conn.send(event(session, "GUILD_CREATE", guild.guildCreate()).toString());
                }
            }
        }
    }

    private void resume(WebSocket conn, JsonNode d) {
        Session session = sessions.get(d.path("session_id").asText());
        if (session == null) {
            conn.send(hello());
            conn.send("{\"op\":9,\"d\":false}");
            return;
        }
        resumes.incrementAndGet();
        synchronized (session) {
            session.socket = conn;
            conn.send(hello());
            for (ObjectNode missed : session.missed) {
                conn.send(missed.toString());
            }
            session.missed.clear();
            conn.send(event(session, "RESUMED", JSON.createObjectNode()).toString());
        }
    }

    private static String hello() {
        return "{\"op\":10,\"d\":{\"heartbeat_interval\":41250}}";
    }

    private static ObjectNode event(Session session, String type, JsonNode data) {
        ObjectNode event = JSON.createObjectNode();
        event.put("op", 0);
        event.put("t", type);
        event.put("s", ++session.sequence);
        event.set("d", data);
        return event;
    }

    private static JsonNode read(String message) {
        try {
            return JSON.readTree(message);
        } catch (Exception e) {
            throw new IllegalArgumentException("bad gateway payload", e);
        }
    }

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {
        for (Session session : sessions.values()) {
            synchronized (session) {
                if (session.socket == conn) {
                    session.socket = null;
                }
            }
        }
    }

    @Override
    public void onError(WebSocket conn, Exception ex) {
    }

    @Override
    public void onStart() {
        started.countDown();
    }
}
