package dev.sdbot.scheduler;

import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.scheduler.testing.JobSystem;
import dev.sdbot.scheduler.testing.MutableClock;
import dev.sdbot.scheduler.worker.TestPatternGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A member's first job goes out within the next few dispatches, however old another member's backlog is. */
@ExtendWith(EmbeddedPostgresExtension.class)
class FairShareBacklogTest {

    @Test
    void aNewcomersFirstJobStartsBeforeAllButTheHeadOfATenMinuteOldBacklog(TestDatabase db) throws Exception {
        db.update("TRUNCATE jobs, workers, usage_counters, member_turns CASCADE");
        MutableClock tenMinutesAgo = MutableClock.ofSystem();
        tenMinutesAgo.advance(Duration.ofMinutes(-10));
        new JobService(db.dataSource(), JobSystem.imagesOf(db), JobSystem.FAST, tenMinutesAgo)
                .submitCopies(new JobSubmission(JobSystem.request("backlog", 2), JobOrigin.cli(5, 1)), 200);
        try (JobSystem system = new JobSystem(db)) {
            long newcomer = system.jobs().submit(new JobSubmission(JobSystem.request("first job", 2), JobOrigin.cli(5, 2)));
            assertThat(system.jobs().queuePosition(newcomer)).as("/queue position").isLessThanOrEqualTo(2);

            system.startNode();
            system.startWorker("only", 1, new TestPatternGenerator());
            await().atMost(Duration.ofSeconds(30)).until(() -> system.jobs().find(newcomer).orElseThrow().state() == JobState.SUCCEEDED);
            assertThat(db.queryLong("SELECT count(*) FROM jobs WHERE user_id = 1 AND started_at <= (SELECT started_at FROM jobs WHERE id = ?)",
                    newcomer)).as("backlog jobs started before the newcomer's first").isLessThanOrEqualTo(1);
        }
    }
}
