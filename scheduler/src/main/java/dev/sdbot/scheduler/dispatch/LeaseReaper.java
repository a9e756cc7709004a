package dev.sdbot.scheduler.dispatch;

import dev.sdbot.scheduler.JobLogContext;
import dev.sdbot.scheduler.SchedulerSettings;
import dev.sdbot.scheduler.store.Sql;
import dev.sdbot.scheduler.store.TakeBack;
import dev.sdbot.scheduler.store.WorkerStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;

/**
 * Takes jobs back from workers whose lease ran out (killed, hung, or cut off from the database) and
 * from workers that ran one past the maximum run time: back to QUEUED for another attempt, or FAILED
 * once the attempts are used up, so a job that crashes every worker it touches does not loop forever.
 * A lost lease says nothing about the worker's generator (an outage expires every lease at once), so
 * only a job that overran the maximum run time, on a worker still heartbeating, counts towards quarantine.
 */
public final class LeaseReaper {
    private static final Logger log = LoggerFactory.getLogger(LeaseReaper.class);

    private final DataSource dataSource;
    private final WorkerStore workers;
    private final SchedulerSettings settings;

    public LeaseReaper(DataSource dataSource, SchedulerSettings settings) {
        this.dataSource = dataSource;
        this.workers = new WorkerStore(dataSource);
        this.settings = settings;
    }

    /** Returns how many jobs were taken back. */
    public int reap() {
        return Sql.inHotTransaction(dataSource, "reap expired leases", c -> {
            var taken = TakeBack.expired(c, settings.lease(), settings.maxRunTime());
            for (TakeBack.Taken job : taken) {
                try (var context = JobLogContext.open(job.id(), job.guildId(), job.workerId())) {
                    log.warn("Job {} taken back from worker {} ({}); now {}", job.id(), job.workerId(),
                            job.overran() ? "ran past the maximum run time" : "lease expired", job.state());
                }
                if (job.overran()) {
                    workers.recordFailure(c, job.workerId(), "ran longer than the maximum run time", settings.quarantineAfter());
                }
            }
            return taken.size();
        });
    }
}
