package dev.sdbot.scheduler;

import dev.sdbot.scheduler.dispatch.DispatchLoop;
import dev.sdbot.scheduler.dispatch.Dispatcher;
import dev.sdbot.scheduler.dispatch.LeaseReaper;
import dev.sdbot.scheduler.quartz.ClusterScheduler;

import javax.sql.DataSource;
import java.time.Clock;

/**
 * One scheduler process (any number may run against one database): a Quartz cluster member
 * whose periodic job reaps leases and dispatches, plus a dispatch loop woken by NOTIFY for
 * sub-second dispatch. The advisory lock in {@link Dispatcher} keeps passes one at a time.
 */
public final class SchedulerNode implements AutoCloseable {
    private final Dispatcher dispatcher;
    private final LeaseReaper reaper;
    private final DispatchLoop loop;
    private final ClusterScheduler quartz;
    private final JobEvents events;
    private final JobEventListener wakeOnChange;

    public SchedulerNode(DataSource dataSource, SchedulerSettings settings, Clock clock, JobEvents events) {
        this.dispatcher = new Dispatcher(dataSource, settings);
        this.reaper = new LeaseReaper(dataSource, settings);
        this.loop = new DispatchLoop(dispatcher, reaper, settings.dispatchInterval(), Integer.toHexString(System.identityHashCode(this)));
        this.quartz = new ClusterScheduler(dataSource, settings, clock, reaper, dispatcher);
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
            public void onConnected() {
                loop.wake();
            }
        };
    }

    public SchedulerNode start() {
        events.addListener(wakeOnChange);
        loop.start();
        quartz.start();
        loop.wake();
        return this;
    }

    /** Dispatches now (also used when a worker registers). */
    public void wake() {
        loop.wake();
    }

    public Dispatcher dispatcher() {
        return dispatcher;
    }

    public LeaseReaper reaper() {
        return reaper;
    }

    /** Runs one of the Quartz jobs ("dispatch", "quota-reset", "retention") now, on whichever node picks it up. */
    public void triggerNow(String quartzJob) {
        quartz.triggerNow(quartzJob);
    }

    public String quartzInstanceId() {
        return quartz.instanceId();
    }

    @Override
    public void close() {
        events.removeListener(wakeOnChange);
        quartz.close();
        loop.close();
    }
}
