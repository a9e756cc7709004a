package dev.sdbot.scheduler.metrics;

import dev.sdbot.scheduler.JobState;
import dev.sdbot.scheduler.store.Sql;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code sdbot_queue_depth{state}}: how many jobs are queued, assigned, running, or finished and waiting to be posted.
 * One grouped count (each of these states has a partial index) serves all four gauges and is kept for {@code maxAge},
 * so scrapes, however frequent, cost the database at most one query per interval. The ended states grow without
 * bound and are not counted. While the database cannot be read the gauges are NaN (unknown), not a stale number.
 */
public final class QueueDepthGauges {
    private static final Logger log = LoggerFactory.getLogger(QueueDepthGauges.class);
    static final List<JobState> LIVE_STATES = List.of(JobState.QUEUED, JobState.ASSIGNED, JobState.RUNNING, JobState.SUCCEEDED);

    private final DataSource dataSource;
    private final long maxAgeNanos;
    private Map<JobState, Long> counts;
    private long readAt;

    private QueueDepthGauges(DataSource dataSource, Duration maxAge) {
        this.dataSource = dataSource;
        this.maxAgeNanos = maxAge.toNanos();
    }

    public static QueueDepthGauges register(MeterRegistry registry, DataSource dataSource, Duration maxAge) {
        QueueDepthGauges gauges = new QueueDepthGauges(dataSource, maxAge);
        for (JobState state : LIVE_STATES) {
            Gauge.builder("sdbot.queue.depth", gauges, g -> g.count(state))
                    .description("Jobs in this state (refreshed at most every " + maxAge.toSeconds() + " s)")
                    .tag("state", state.name().toLowerCase(Locale.ROOT))
                    .strongReference(true)
                    .register(registry);
        }
        return gauges;
    }

    synchronized double count(JobState state) {
        if (counts == null || System.nanoTime() - readAt > maxAgeNanos) {
            counts = read();
            readAt = System.nanoTime();
        }
        return counts.isEmpty() ? Double.NaN : counts.getOrDefault(state, 0L);
    }

    private Map<JobState, Long> read() {
        try {
            return Sql.withConnection(dataSource, "count jobs by state", c -> {
                Map<JobState, Long> result = new EnumMap<>(JobState.class);
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT state, count(*) FROM jobs"
                        + " WHERE state IN ('QUEUED', 'ASSIGNED', 'RUNNING', 'SUCCEEDED') GROUP BY state")) {
                    while (rs.next()) {
                        result.put(JobState.valueOf(rs.getString(1)), rs.getLong(2));
                    }
                }
                LIVE_STATES.forEach(s -> result.putIfAbsent(s, 0L));
                return result;
            });
        } catch (RuntimeException e) {
            log.warn("Queue depth unknown: {}", e.getMessage());
            return Map.of();
        }
    }
}
