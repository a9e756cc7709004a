package dev.sdbot.scheduler;

import dev.sdbot.db.entity.QuotaScope;
import dev.sdbot.db.store.QuotaRuleStore;
import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.scheduler.testing.JobSystem;
import dev.sdbot.scheduler.testing.MutableClock;
import dev.sdbot.scheduler.worker.TestPatternGenerator;
import dev.sdbot.scheduler.worker.WorkerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The bot's host runs 10 days ahead and the worker's 3 days behind: every stamp, the day usage is billed to, the day
 * the quota counts and the retention cut-off still follow the database's clock, so nobody's quota, bill or images
 * depend on which host's clock is off.
 */
@ExtendWith(EmbeddedPostgresExtension.class)
class DatabaseClockTest {
    private static final long GUILD = 91;
    private static final String NEAR_NOW = " BETWEEN now() - interval '10 minutes' AND now() + interval '1 minute'";

    @Test
    void stampsBillingDayQuotaDayAndRetentionFollowTheDatabaseClockWhateverTheHostsSay(TestDatabase db) throws Exception {
        db.update("TRUNCATE jobs, workers, usage_counters, quota_rules CASCADE");
        MutableClock bot = MutableClock.ofSystem();
        bot.advance(Duration.ofDays(10));
        MutableClock worker = MutableClock.ofSystem();
        worker.advance(Duration.ofDays(-3));
        new QuotaRuleStore(db.sessionFactory()).put(GUILD, QuotaScope.GUILD_DEFAULT, 0, 2, null, Instant.now());
        try (JobSystem system = new JobSystem(db, JobSystem.FAST, bot)) {
            SchedulerNode node = system.startNode();
            system.startWorker(WorkerSettings.defaults().withId("behind").withTiming(JobSystem.HEARTBEAT, JobSystem.POLL),
                    new TestPatternGenerator(), worker);
            List<Long> ids = List.of(system.jobs().submit(submission()), system.jobs().submit(submission()));
            await().atMost(Duration.ofSeconds(30)).until(() -> ids.stream()
                    .allMatch(id -> system.jobs().find(id).orElseThrow().state() == JobState.SUCCEEDED));

            assertThat(db.queryLong("SELECT count(*) FROM jobs WHERE created_at" + NEAR_NOW + " AND assigned_at" + NEAR_NOW
                    + " AND started_at" + NEAR_NOW + " AND finished_at" + NEAR_NOW + " AND updated_at" + NEAR_NOW))
                    .as("job stamps on the database's clock").isEqualTo(2);
            assertThat(db.queryLong("SELECT count(*) FROM job_results WHERE created_at" + NEAR_NOW)).isEqualTo(2);
            assertThat(db.queryLong("SELECT count(*) FROM usage_ledger WHERE usage_day = (now() AT TIME ZONE 'UTC')::date"
                    + " AND recorded_at" + NEAR_NOW)).as("billed to the database's day").isEqualTo(2);
            assertThat(db.queryLong("SELECT images FROM usage_counters WHERE guild_id = ? AND usage_day = (now() AT TIME ZONE 'UTC')::date",
                    GUILD)).isEqualTo(2);

            assertThatThrownBy(() -> system.jobs().submit(submission())).as("the quota counts the day the images were billed to")
                    .isInstanceOf(QuotaExceededException.class).hasMessageContaining("2 used");

            db.update("UPDATE job_results SET created_at = now() - interval '30 days' WHERE job_id = ?", ids.get(0));
            node.triggerNow("retention");
            await().atMost(Duration.ofSeconds(20)).until(() -> system.jobs().results(ids.get(0)).get(0).png() == null);
            assertThat(system.jobs().results(ids.get(1)).get(0).png()).as("a fresh image outlives a bot clock 10 days ahead")
                    .isNotNull();
        }
    }

    private static JobSubmission submission() {
        return new JobSubmission(JobSystem.request("skewed", 2), JobOrigin.cli(GUILD, 1), List.of(), 0);
    }
}
