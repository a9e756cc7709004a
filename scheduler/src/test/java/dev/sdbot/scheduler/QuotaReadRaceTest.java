package dev.sdbot.scheduler;

import dev.sdbot.db.entity.QuotaScope;
import dev.sdbot.db.store.QuotaRuleStore;
import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.scheduler.testing.JobSystem;
import dev.sdbot.scheduler.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.sql.DataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The quota check's reads of used, pending and in-flight work see one moment: a job that finishes between them (its
 * images move from "pending" to "used" in another transaction) is counted once, not in neither. The moment is forced:
 * the job finishes, on a second connection of the real database, right after the quota check's read of the counters.
 */
@ExtendWith(EmbeddedPostgresExtension.class)
class QuotaReadRaceTest {
    private static final long GUILD = 91;
    private static final long USER = 5;
    private static final Instant NOON = Instant.parse("2026-03-04T12:00:00Z");

    @Test
    void aJobFinishingBetweenTheReadsIsCountedOnce(TestDatabase db) throws Exception {
        db.update("TRUNCATE jobs, workers, usage_counters, quota_rules CASCADE");
        new QuotaRuleStore(db.sessionFactory()).put(GUILD, QuotaScope.GUILD_DEFAULT, 0, 10, 3600, NOON);
        MutableClock clock = MutableClock.at(NOON);
        JobService submitting = new JobSystem(db, JobSystem.FAST, clock).jobs();
        long jobId = submitting.submit(new JobSubmission(JobSystem.request("racing", 2), JobOrigin.cli(GUILD, USER), List.of(), 0));
        db.update("UPDATE jobs SET state = 'RUNNING', attempt = 1 WHERE id = ?", jobId);
        long images = db.queryLong("SELECT image_count FROM jobs WHERE id = ?", jobId);

        AtomicBoolean finished = new AtomicBoolean();
        Runnable finish = () -> {
            if (finished.compareAndSet(false, true)) { // the worker's transaction, committed on its own connection
                db.update("UPDATE jobs SET state = 'SUCCEEDED' WHERE id = ?", jobId);
                db.update("INSERT INTO usage_counters (guild_id, user_id, usage_day, images, gpu_ms) VALUES (?, ?, ?, ?, 4000)",
                        GUILD, USER, java.sql.Date.valueOf("2026-03-04"), images);
            }
        };
        JobService checking = new JobService(finishingAfterCountersRead(db.dataSource(), finish), JobSystem.imagesOf(db), JobSystem.FAST, clock);

        QuotaStatus status = checking.quotaStatus(GUILD, USER, List.of());

        assertThat(finished).as("the job finished during the check").isTrue();
        // failed before: counters read before the job finished (0 used), pending read after (0 pending)
        assertThat(status.imagesUsed() + status.imagesPending()).as("the job's images, counted once").isEqualTo(images);
        assertThat(status.gpuMillisUsed() + status.gpuMillisInFlight()).as("its GPU time counted").isPositive();
    }

    /** A data source whose statements run {@code hook} right after the first query that reads usage_counters. */
    private static DataSource finishingAfterCountersRead(DataSource real, Runnable hook) {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(real, method, args);
                    return result instanceof Connection c ? connection(c, hook) : result;
                });
    }

    private static Connection connection(Connection real, Runnable hook) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    Object result = invoke(real, method, args);
                    if (result instanceof PreparedStatement ps && method.getName().equals("prepareStatement")
                            && ((String) args[0]).contains("usage_counters")) {
                        return statement(ps, hook);
                    }
                    return result;
                });
    }

    private static PreparedStatement statement(PreparedStatement real, Runnable hook) {
        return (PreparedStatement) Proxy.newProxyInstance(PreparedStatement.class.getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, (proxy, method, args) -> {
                    Object result = invoke(real, method, args);
                    if (method.getName().equals("executeQuery")) {
                        hook.run();
                    }
                    return result;
                });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
