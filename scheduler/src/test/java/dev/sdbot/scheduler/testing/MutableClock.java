package dev.sdbot.scheduler.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that follows real time plus an offset the test can move forward. */
public final class MutableClock extends Clock {
    private volatile Duration offset = Duration.ZERO;
    private final Instant fixedBase;

    private MutableClock(Instant fixedBase) {
        this.fixedBase = fixedBase;
    }

    /** Real time, shiftable. */
    public static MutableClock ofSystem() {
        return new MutableClock(null);
    }

    /** Frozen at {@code instant} until advanced. */
    public static MutableClock at(Instant instant) {
        return new MutableClock(instant);
    }

    public void advance(Duration by) {
        offset = offset.plus(by);
    }

    @Override
    public Instant instant() {
        return (fixedBase != null ? fixedBase : Instant.now()).plus(offset);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
