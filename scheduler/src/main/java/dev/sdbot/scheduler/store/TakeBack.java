package dev.sdbot.scheduler.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Takes jobs back from a worker that lost them (lease expired, ran past the maximum run time, or the
 * worker restarted under the same id): back to QUEUED, or FAILED once the attempts are used up. A lost
 * attempt that ran counts as an attempt, so a job that kills every worker it touches ends instead of
 * looping, but it is never billed: its ledger row is outcome LOST, billed false. An assignment no worker
 * took counts for nothing. All on the database's clock.
 */
public final class TakeBack {
    /** A job taken back: its guild, new state, the worker it was lost on, and whether it overran the maximum run time. */
    public record Taken(long id, long guildId, String state, String workerId, boolean overran) {
    }

    /** Which jobs the reaper takes back (its plan is checked on a large table); bind the lease, then the maximum run time, in ms. */
    public static final String EXPIRED = "state IN ('ASSIGNED', 'RUNNING') AND ((lease_expires_at < now()"
            + "   AND pg_postmaster_start_time() < now() - 2 * ? * interval '1 millisecond')"
            + " OR (state = 'RUNNING' AND started_at < now() - ? * interval '1 millisecond'))";

    private TakeBack() {
    }

    /**
     * Jobs whose lease ran out (the worker died, hung without heartbeat, or was cut off from the database), and
     * running jobs older than {@code maxRunTime} (a hung generator on a worker that still heartbeats). No lease
     * runs out within two leases of the server starting: leases that lapsed while it was down say nothing about the
     * workers, which get that long to reconnect (pools back off), heartbeat and store the results they kept before
     * anything is taken back, so a database outage uses up no attempt.
     */
    public static List<Taken> expired(Connection c, java.time.Duration lease, java.time.Duration maxRunTime) throws SQLException {
        return run(c, EXPIRED,
                "CASE WHEN lease_expires_at < now() THEN 'lease expired on worker ' || worker_id"
                        + " ELSE 'ran longer than the maximum run time of ' || ? || ' s on worker ' || worker_id END",
                "lease_expires_at >= now()", // in the order of the SQL: reason, overran, selection
                maxRunTime.toSeconds(), lease.toMillis(), maxRunTime.toMillis());
    }

    /** The running jobs of a worker id that a new process of that id registers under: its earlier life died with them. */
    public static List<Taken> ofEarlierLife(Connection c, String workerId) throws SQLException {
        return run(c, "worker_id = ? AND state = 'RUNNING'", "'worker ' || worker_id || ' restarted during the attempt'",
                "false", workerId);
    }

    /**
     * @param selection SQL condition on {@code jobs} picking the lost jobs
     * @param reason    SQL text expression saying why (may use the row's columns)
     * @param overran   SQL boolean expression: the job ran past the maximum run time
     */
    private static List<Taken> run(Connection c, String selection, String reason, String overran, Object... params) throws SQLException {
        String sql = "WITH lost AS (SELECT id, attempt, state, worker_id, " + reason + " AS reason, " + overran + " AS overran"
                + "   FROM jobs WHERE " + selection + " FOR UPDATE SKIP LOCKED),"
                // an assignment no worker took (ASSIGNED) ran nothing: it is handed back without using up the attempt
                // (nobody holds that attempt number: a claim re-reads it under the row lock)
                + " taken AS (UPDATE jobs j SET"
                + "   state = CASE WHEN l.state = 'RUNNING' AND j.attempt >= j.max_attempts THEN 'FAILED' ELSE 'QUEUED' END,"
                + "   attempt = CASE WHEN l.state = 'ASSIGNED' THEN j.attempt - 1 ELSE j.attempt END,"
                + "   error = l.reason || ' (attempt ' || j.attempt || ' of ' || j.max_attempts || ')',"
                + "   worker_id = CASE WHEN l.state = 'RUNNING' AND j.attempt >= j.max_attempts THEN j.worker_id END,"
                + "   lease_expires_at = NULL, progress_step = 0, preview_png = NULL,"
                + "   finished_at = CASE WHEN l.state = 'RUNNING' AND j.attempt >= j.max_attempts THEN now() END, updated_at = now()"
                + "   FROM lost l WHERE j.id = l.id AND j.state = l.state AND j.attempt = l.attempt"
                + "   RETURNING j.id, l.attempt, l.state AS was, j.state, j.guild_id, j.user_id, l.worker_id, l.overran),"
                + " ledger AS (INSERT INTO usage_ledger (job_id, attempt, guild_id, user_id, worker_id, outcome, images, gpu_ms,"
                + "   usage_day, recorded_at, billed)"
                + "   SELECT id, attempt, guild_id, user_id, worker_id, 'LOST', 0, 0, (now() AT TIME ZONE 'UTC')::date, now(), false"
                + "   FROM taken WHERE was = 'RUNNING')"
                + " SELECT id, guild_id, state, worker_id, overran FROM taken ORDER BY id";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            Sql.bind(ps, params);
            List<Taken> taken = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    taken.add(new Taken(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getBoolean(5)));
                }
            }
            return taken;
        }
    }
}
