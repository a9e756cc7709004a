package dev.sdbot.scheduler;

import dev.sdbot.scheduler.JobStats.WorkerStats;
import dev.sdbot.scheduler.store.JobStore;
import dev.sdbot.scheduler.store.WorkerStore;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;

/**
 * What operators' screens read about the queue and the workers (the admin console, readiness): the scheduler owns the
 * jobs and workers tables, so nothing outside it runs SQL on them. Read-only.
 */
public final class JobReports {
    private final JobStore jobs;
    private final WorkerStore workers;
    private final Duration workerTimeout;

    public JobReports(DataSource dataSource, Duration workerTimeout) {
        this.jobs = new JobStore(dataSource);
        this.workers = new WorkerStore(dataSource);
        this.workerTimeout = workerTimeout;
    }

    /** The unfinished jobs of the given guilds, or of every guild when {@code guilds} is null. */
    public ActiveJobs activeJobs(Collection<Long> guilds) {
        return jobs.activeJobs(guilds);
    }

    /** A guild's newest jobs, newest first. */
    public List<JobView> recentJobs(long guildId, int limit) {
        return jobs.recentInGuild(guildId, limit);
    }

    /** The guilds that have jobs. */
    public SortedSet<Long> guildsWithJobs() {
        return jobs.guildsWithJobs();
    }

    /** Every worker that ever registered, by id. */
    public List<WorkerStats> workers() {
        return workers.stats(workerTimeout);
    }

    /** One worker's state, if it ever registered. */
    public Optional<WorkerStatus> worker(String id) {
        return workers.status(id, workerTimeout);
    }
}
