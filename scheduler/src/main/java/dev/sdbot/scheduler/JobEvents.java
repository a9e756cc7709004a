package dev.sdbot.scheduler;

import dev.sdbot.scheduler.events.PgListener;
import dev.sdbot.scheduler.store.WorkerStore;

import javax.sql.DataSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Job state changes of all processes, pushed by PostgreSQL LISTEN/NOTIFY (the jobs table's trigger notifies on the
 * changes some process acts on: not RUNNING or POSTED; see V6). Progress is not pushed (V35): readers poll the job row.
 * One connection per JobEvents, shared by its listeners.
 */
public final class JobEvents implements AutoCloseable {
    public static final String STATE_CHANNEL = "sdbot_job_events";
    /** A scheduler node handed its leader lease over (it is shutting down): standbys try to take it at once. */
    public static final String LEADER_CHANNEL = "sdbot_leader";

    private final List<JobEventListener> listeners = new CopyOnWriteArrayList<>();
    private final PgListener pgListener;

    public JobEvents(DataSource dataSource, String name) {
        this.pgListener = new PgListener(dataSource, List.of(STATE_CHANNEL, WorkerStore.WORKER_CHANNEL, LEADER_CHANNEL), this::dispatch,
                () -> listeners.forEach(JobEventListener::onConnected), name);
    }

    public JobEvents start() {
        pgListener.start();
        return this;
    }

    public void addListener(JobEventListener listener) {
        listeners.add(listener);
    }

    public void removeListener(JobEventListener listener) {
        listeners.remove(listener);
    }

    private void dispatch(String channel, String payload) {
        if (STATE_CHANNEL.equals(channel)) {
            JobEvent event = JobEvent.parse(payload);
            listeners.forEach(l -> l.onStateChange(event));
        } else if (WorkerStore.WORKER_CHANNEL.equals(channel)) {
            listeners.forEach(l -> l.onWorkerRegistered(payload));
        } else if (LEADER_CHANNEL.equals(channel)) {
            listeners.forEach(JobEventListener::onLeaderReleased);
        }
    }

    @Override
    public void close() {
        pgListener.close();
    }
}
