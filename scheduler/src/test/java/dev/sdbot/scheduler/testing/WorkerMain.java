package dev.sdbot.scheduler.testing;

import com.zaxxer.hikari.HikariDataSource;
import dev.sdbot.db.Database;
import dev.sdbot.scheduler.JobEvents;
import dev.sdbot.scheduler.worker.TestPatternGenerator;
import dev.sdbot.scheduler.worker.WorkerRuntime;
import dev.sdbot.scheduler.worker.WorkerSettings;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;

/** A worker in a process of its own, for tests that kill it: args = jdbcUrl workerId stepDelayMillis [slots]. */
public final class WorkerMain {
    private WorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        HikariDataSource pool = Database.pool(args[0], "postgres", null, 4);
        JobEvents events = new JobEvents(pool, "child").start();
        new WorkerRuntime(pool, JobSystem.imagesOf(args[0]), new TestPatternGenerator(Set.of(TestPatternGenerator.MODEL), Duration.ofMillis(Long.parseLong(args[2]))),
                WorkerSettings.defaults().withId(args[1]).withSlots(args.length > 3 ? Integer.parseInt(args[3]) : 1).withTiming(JobSystem.HEARTBEAT, JobSystem.POLL),
                JobSystem.FAST, Clock.systemUTC(), events).start();
        System.out.println("worker ready");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
