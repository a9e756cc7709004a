package dev.sdbot.scheduler;

import dev.sdbot.scheduler.images.ImageStore;
import dev.sdbot.scheduler.dispatch.DispatchLoop;
import dev.sdbot.scheduler.dispatch.Dispatcher;
import dev.sdbot.scheduler.dispatch.LeaderLease;
import dev.sdbot.scheduler.dispatch.LeaseReaper;
import dev.sdbot.scheduler.metrics.QueueDepthGauges;
import dev.sdbot.scheduler.quartz.ClusterScheduler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import javax.sql.DataSource;
import java.time.Duration;

/**
 * One scheduler process (any number may run against one database): a Quartz cluster member
 * whose periodic job reaps leases and dispatches, plus a dispatch loop woken by NOTIFY for
 * sub-second dispatch. One node at a time, the holder of the {@link LeaderLease}, runs passes; the
 * others stand by and take over within a leader lease (five dispatch intervals, at least 1 s) when it
 * lapses, or at once when the leader closes (it hands the lease over and announces it on {@code sdbot_leader}). The advisory lock in {@link Dispatcher}
 * still keeps passes one at a time while two nodes briefly both think they lead.
 */
public final class SchedulerNode implements AutoCloseable {
    /** How long a queue depth reading serves scrapes before it is counted again. */
    static final Duration QUEUE_DEPTH_MAX_AGE = Duration.ofSeconds(5);

    private final Dispatcher dispatcher;
    private final LeaseReaper reaper;
    private final DispatchLoop loop;
    private final LeaderLease leadership;
    private final ClusterScheduler quartz;
    private final JobEvents events;
    private final JobEventListener wakeOnChange;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    /** A node whose meters nobody reads (benchmarks, tests that don't look at them). */
    public SchedulerNode(DataSource dataSource, ImageStore images, SchedulerSettings settings, JobEvents events) {
        this(dataSource, images, settings, events, new SimpleMeterRegistry());
    }

    /**
     * @param images the image store, whose objects the retention purge deletes
     * @param meters gets the dispatch latency timer and the queue depth gauges
     */
    public SchedulerNode(DataSource dataSource, ImageStore images, SchedulerSettings settings, JobEvents events,
                         MeterRegistry meters) {
        QueueDepthGauges.register(meters, dataSource, QUEUE_DEPTH_MAX_AGE);
        this.dispatcher = new Dispatcher(dataSource, settings, meters);
        this.reaper = new LeaseReaper(dataSource, settings);
        this.leadership = new LeaderLease(dataSource, leaderLease(settings), this::wake);
        this.loop = new DispatchLoop(dispatcher, reaper, settings.dispatchInterval(), Integer.toHexString(System.identityHashCode(this)),
                leadership::isLeader);
        this.quartz = new ClusterScheduler(dataSource, images, settings, reaper, dispatcher, leadership::isLeader);
        this.events = events;
        this.wakeOnChange = new JobEventListener() {
            @Override
            public void onStateChange(JobEvent event) {
                // a job to place, or a slot that became free
                if (event.state() != JobState.ASSIGNED && event.state() != JobState.RUNNING && event.state() != JobState.POSTED) {
                    loop.wake();
                }
            }

            @Override
            public void onWorkerRegistered(String workerId) {
                loop.wake();
            }

            @Override
            public void onLeaderReleased() {
                leadership.renewNow();
            }

            @Override
            public void onConnected() {
                loop.wake();
            }
        };
    }

    public SchedulerNode start() {
        events.addListener(wakeOnChange);
        leadership.start();
        loop.start();
        quartz.start();
        loop.wake();
        return this;
    }

    /** Dispatches now (also used when a worker registers). */
    public void wake() {
        loop.wake();
    }

    static Duration leaderLease(SchedulerSettings settings) {
        Duration lease = settings.dispatchInterval().multipliedBy(5);
        return lease.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : lease;
    }

    /** True while this node is the one that dispatches. */
    public boolean isLeader() {
        return leadership.isLeader();
    }

    /** Dispatch passes this node's loop has run (a standby runs none). */
    public long dispatchPasses() {
        return loop.passes();
    }

    public Dispatcher dispatcher() {
        return dispatcher;
    }

    public LeaseReaper reaper() {
        return reaper;
    }

    /** Runs one of the Quartz jobs ("dispatch", "quota-reset", "retention", "row-retention") now, on whichever node picks it up. */
    public void triggerNow(String quartzJob) {
        quartz.triggerNow(quartzJob);
    }

    public String quartzInstanceId() {
        return quartz.instanceId();
    }

    /** Stops dispatching, hands leadership over first (a standby takes it at once), then leaves the Quartz cluster. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        events.removeListener(wakeOnChange);
        loop.close();
        leadership.close();
        quartz.close();
    }
}
