package dev.sdbot.testkit.fake;

/** An interaction the fake sent, and what became of it. */
public final class FakeInteraction {
    private final long id;
    private final String token;
    private final int type;
    private final FakeGuild.Member user;
    private final FakeGuild guild;
    private final FakeGuild.Channel channel;
    private final long sentNanos;
    private volatile long ackNanos;
    private volatile long firstCallbackNanos;
    private volatile int ackType;
    private volatile long originalMessageId;
    private volatile boolean expired;

    FakeInteraction(long id, String token, int type, FakeGuild guild, FakeGuild.Member user, FakeGuild.Channel channel,
                    long componentMessageId) {
        this.guild = guild;
        this.id = id;
        this.token = token;
        this.type = type;
        this.user = user;
        this.channel = channel;
        this.originalMessageId = componentMessageId;
        this.sentNanos = System.nanoTime();
    }

    public long id() {
        return id;
    }

    public String token() {
        return token;
    }

    public int type() {
        return type;
    }

    public FakeGuild.Member user() {
        return user;
    }

    /** The guild the interaction was sent in (the guild of its channel). */
    public FakeGuild guild() {
        return guild;
    }

    public FakeGuild.Channel channel() {
        return channel;
    }

    public boolean acknowledged() {
        return ackNanos != 0;
    }

    /** The callback type JDA answered with (5 = deferred reply, 4 = reply, 6 = deferred edit...), 0 before. */
    public int ackType() {
        return ackType;
    }

    /** Milliseconds from sending the interaction to receiving its callback. */
    public double ackMillis() {
        if (ackNanos == 0) {
            throw new IllegalStateException("interaction " + id + " was not acknowledged");
        }
        return (ackNanos - sentNanos) / 1e6;
    }

    /** Milliseconds from sending the interaction to the bot's first callback, accepted or too late. */
    public double callbackMillis() {
        if (firstCallbackNanos == 0) {
            throw new IllegalStateException("interaction " + id + " got no callback");
        }
        return (firstCallbackNanos - sentNanos) / 1e6;
    }

    public boolean calledBack() {
        return firstCallbackNanos != 0;
    }

    synchronized void callbackArrived(long nanos) {
        if (firstCallbackNanos == 0) {
            firstCallbackNanos = nanos;
        }
    }

    long sentNanos() {
        return sentNanos;
    }

    long originalMessageId() {
        return originalMessageId;
    }

    boolean expired() {
        return expired;
    }

    void acknowledged(int callbackType, long nanos) {
        this.ackType = callbackType;
        this.ackNanos = nanos;
    }

    void original(long messageId) {
        this.originalMessageId = messageId;
    }

    void expire() {
        expired = true;
    }
}
