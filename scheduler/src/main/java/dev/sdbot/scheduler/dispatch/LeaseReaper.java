package dev.sdbot.scheduler.dispatch;

import dev.sdbot.scheduler.SchedulerSettings;
import dev.sdbot.scheduler.store.Sql;
import dev.sdbot.scheduler.store.WorkerStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Takes jobs back from workers whose lease ran out (killed, hung, or cut off from the database):
 * back to QUEUED for another attempt, or FAILED once the attempts are used up, so a job that
 * crashes every worker it touches does not loop forever.
 */
public final class LeaseReaper {
    private static final Logger log = LoggerFactory.getLogger(LeaseReaper.class);

    private final DataSource dataSource;
    private final WorkerStore workers;
    private final SchedulerSettings settings;
    private final Clock clock;

    public LeaseReaper(DataSource dataSource, SchedulerSettings settings, Clock clock) {
        this.dataSource = dataSource;
        this.workers = new WorkerStore(dataSource);
        this.settings = settings;
        this.clock = clock;
    }

    /** Returns how many jobs were taken back. */
    public int reap() {
        Instant now = clock.instant();
        return Sql.inTransaction(dataSource, "reap expired leases", c -> {
            List<String> lostOn = new ArrayList<>();
            int reaped = 0;
            try (PreparedStatement ps = c.prepareStatement("WITH expired AS (SELECT id, attempt, state, worker_id FROM jobs"
                    + "   WHERE state IN ('ASSIGNED', 'RUNNING') AND lease_expires_at < ? FOR UPDATE SKIP LOCKED)"
                    + " UPDATE jobs j SET state = CASE WHEN j.attempt >= j.max_attempts THEN 'FAILED' ELSE 'QUEUED' END,"
                    + "   error = 'lease expired on worker ' || e.worker_id || ' (attempt ' || j.attempt || ' of ' || j.max_attempts || ')',"
                    + "   worker_id = CASE WHEN j.attempt >= j.max_attempts THEN j.worker_id END,"
                    + "   lease_expires_at = NULL, progress_step = 0, preview_png = NULL,"
                    + "   finished_at = CASE WHEN j.attempt >= j.max_attempts THEN ?::timestamptz END, updated_at = ?"
                    + " FROM expired e WHERE j.id = e.id AND j.state = e.state AND j.attempt = e.attempt"
                    + " RETURNING j.id, j.state, e.worker_id")) {
                Sql.bind(ps, now, now, now);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        reaped++;
                        lostOn.add(rs.getString(3));
                        log.warn("Job {} lost its lease on worker {}; now {}", rs.getLong(1), rs.getString(3), rs.getString(2));
                    }
                }
            }
            for (String worker : lostOn) {
                workers.recordFailure(c, worker, "lease expired", settings.quarantineAfter(), now);
            }
            return reaped;
        });
    }
}
