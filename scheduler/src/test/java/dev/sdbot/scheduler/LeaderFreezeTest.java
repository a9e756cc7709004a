package dev.sdbot.scheduler;

import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.scheduler.testing.ChildJvm;
import dev.sdbot.scheduler.testing.JobSystem;
import dev.sdbot.scheduler.testing.SchedulerNodeMain;
import dev.sdbot.scheduler.worker.TestPatternGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dispatching leader is frozen (SIGSTOP) in the middle of a dispatch pass, holding the dispatch lock and its row
 * locks; its sockets stay open, so only server-side timeouts can end its transaction. The standby must lead and
 * dispatch within the leader lease plus a few seconds, and nothing may be lost or run twice once the leader thaws.
 * The freeze lasts {@code -Dsdbot.test.freezeSeconds} (default 15; the scenario is 60).
 */
@ExtendWith(EmbeddedPostgresExtension.class)
class LeaderFreezeTest {
    private static final String APP = "frozen-leader";

    @Test
    void aStandbyDispatchesSoonAfterTheLeaderFreezesMidPassAndNothingIsLost(TestDatabase db) throws Exception {
        db.update("TRUNCATE jobs, workers, scheduler_leader CASCADE");
        Duration freeze = Duration.ofSeconds(Long.getLong("sdbot.test.freezeSeconds", 15));
        String url = db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?") + "ApplicationName=" + APP;
        // the child closes (SIGKILL) first: a frozen leader would keep the standby's Quartz waiting on its locks
        try (JobSystem system = new JobSystem(db);
             ChildJvm leader = ChildJvm.start(SchedulerNodeMain.class, "leading", url)) {
            SchedulerNode standby = system.startNode();
            system.startWorker("w", 2, new TestPatternGenerator(Set.of(TestPatternGenerator.MODEL), Duration.ofMillis(5)));
            List<Long> ids = new ArrayList<>(submit(system, "before", 30));

            frozenHoldingTheDispatchLock(leader, db);
            long frozenAt = System.nanoTime();
            assertThat(standby.isLeader()).isFalse();
            List<Long> during = submit(system, "during", 10);
            ids.addAll(during);
            await().atMost(freeze).pollInterval(Duration.ofMillis(100)).until(() -> succeeded(db, during) == during.size());
            Duration dispatching = Duration.ofNanos(System.nanoTime() - frozenAt);
            System.out.printf("LeaderFreezeTest: standby dispatched the jobs queued during the freeze %d ms after it began%n",
                    dispatching.toMillis());
            assertThat(standby.isLeader()).isTrue();
            assertThat(dispatching).as("the leader lease, the hot-path idle timeout (5 s) and a few seconds")
                    .isLessThan(SchedulerNode.leaderLease(system.settings()).plusSeconds(5)
                            .plusSeconds(8));

            long left = freeze.toNanos() - (System.nanoTime() - frozenAt);
            if (left > 0) {
                Thread.sleep(left / 1_000_000);
            }
            leader.thaw();
            List<Long> after = submit(system, "after thaw", 10);
            ids.addAll(after);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> succeeded(db, ids) == ids.size());
            assertThat(db.queryLong("SELECT count(*) FROM job_results")).as("one image per job").isEqualTo(ids.size());
            assertThat(db.queryLong("SELECT count(*) FROM jobs WHERE attempt <> 1")).as("no attempt lost to the freeze").isZero();
            assertThat(standby.isLeader()).as("the thawed node does not take the lease back").isTrue();
        }
    }

    /** Freezes the child at random moments until it is frozen inside a dispatch pass, holding the dispatch lock. */
    private static void frozenHoldingTheDispatchLock(ChildJvm leader, TestDatabase db) throws Exception {
        for (int tries = 0; tries < 5000; tries++) {
            leader.freeze();
            if (db.queryLong("SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                    + " WHERE a.application_name = ? AND l.locktype = 'advisory' AND l.granted", APP) > 0) {
                return;
            }
            leader.thaw();
            Thread.sleep(ThreadLocalRandom.current().nextInt(1, 40));
        }
        throw new AssertionError("never caught the leader inside a dispatch pass");
    }

    private static List<Long> submit(JobSystem system, String prompt, int copies) throws QuotaExceededException {
        return system.jobs().submitCopies(new JobSubmission(JobSystem.request(prompt, 3), JobOrigin.cli(0, 1)), copies);
    }

    private static long succeeded(TestDatabase db, List<Long> ids) {
        String list = ids.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(","));
        return db.queryLong("SELECT count(*) FROM jobs WHERE state = 'SUCCEEDED' AND id = ANY(?::bigint[])", "{" + list + "}");
    }
}
