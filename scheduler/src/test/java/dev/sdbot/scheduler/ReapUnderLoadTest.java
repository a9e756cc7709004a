package dev.sdbot.scheduler;

import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.scheduler.dispatch.DispatchLoop;
import dev.sdbot.scheduler.dispatch.Dispatcher;
import dev.sdbot.scheduler.dispatch.LeaseReaper;
import dev.sdbot.scheduler.testing.JobSystem;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The leader's dispatch loop reaps expired leases on its own cadence, even when traffic never lets it sit idle. */
@ExtendWith(EmbeddedPostgresExtension.class)
class ReapUnderLoadTest {

    @Test
    void anExpiredLeaseIsTakenBackWhileWakeUpsArriveFasterThanTheInterval(TestDatabase db) throws Exception {
        db.update("TRUNCATE jobs, workers CASCADE");
        SchedulerSettings settings = JobSystem.FAST; // 300 ms interval
        JobService jobs = new JobService(db.dataSource(), JobSystem.imagesOf(db), settings, Clock.systemUTC());
        long id = jobs.submit(new JobSubmission(JobSystem.request("lost", 2), JobOrigin.cli(0, 1)));
        db.update("UPDATE jobs SET state = 'RUNNING', worker_id = 'vanished', attempt = 1, assigned_at = now(), started_at = now(),"
                + " lease_expires_at = now() - interval '1 minute' WHERE id = ?", id);

        ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor();
        try (DispatchLoop loop = new DispatchLoop(new Dispatcher(db.dataSource(), settings, new SimpleMeterRegistry()),
                new LeaseReaper(db.dataSource(), settings), settings.dispatchInterval(), "under-load", () -> true)) {
            traffic.scheduleAtFixedRate(loop::wake, 0, settings.dispatchInterval().toMillis() / 6, TimeUnit.MILLISECONDS);
            Thread.sleep(settings.dispatchInterval().toMillis()); // already waking steadily when the loop starts
            loop.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> jobs.find(id).orElseThrow().state() == JobState.QUEUED);
            assertThat(loop.passes()).as("passes kept running on wake-ups").isPositive();
        } finally {
            traffic.shutdownNow();
        }
    }
}
