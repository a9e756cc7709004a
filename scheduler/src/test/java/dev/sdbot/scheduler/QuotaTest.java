package dev.sdbot.scheduler;

import dev.sdbot.db.entity.QuotaScope;
import dev.sdbot.db.store.QuotaRuleStore;
import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.scheduler.testing.JobSystem;
import dev.sdbot.scheduler.testing.MutableClock;
import dev.sdbot.scheduler.worker.TestPatternGenerator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@ExtendWith(EmbeddedPostgresExtension.class)
class QuotaTest {
    private static final long GUILD = 77;
    private static final Instant NOON = Instant.parse("2026-03-04T12:00:00Z");
    private TestDatabase db;
    private QuotaRuleStore rules;

    @BeforeEach
    void setUp(TestDatabase db) {
        this.db = db;
        db.update("TRUNCATE jobs, workers, usage_counters, quota_rules CASCADE");
        rules = new QuotaRuleStore(db.sessionFactory());
    }

    private static JobSubmission submission(long user, List<Long> roles) {
        return new JobSubmission(JobSystem.request("quota", 2), JobOrigin.cli(GUILD, user), roles, 0);
    }

    @Test
    void aSubmitOverTheImageQuotaFailsWithAClearMessageAndQueuesNothing() throws Exception {
        MutableClock clock = MutableClock.at(NOON);
        JobService jobs = new JobSystem(db, JobSystem.FAST, clock).jobs();
        rules.put(GUILD, QuotaScope.GUILD_DEFAULT, 0, 3, null, NOON);

        jobs.submitCopies(submission(1, List.of()), 2);
        assertThatThrownBy(() -> jobs.submitCopies(submission(1, List.of()), 2))
                .isInstanceOf(QuotaExceededException.class)
                .hasMessageContaining("Daily image quota exceeded")
                .hasMessageContaining("2 queued of 3 images per day")
                .hasMessageContaining("resets at " + databaseTomorrow() + "T00:00:00Z") // the database's day, not the bot's
                // and the time left on the database's clock too (the bot's clock is months away from it)
                .hasMessageMatching("(?s).*\\(in (\\d|1\\d|2[0-3])h \\d+m\\)\\..*|(?s).*\\(in \\d+m\\)\\..*");
        assertThat(db.queryLong("SELECT count(*) FROM jobs WHERE user_id = 1")).isEqualTo(2);
        jobs.submit(submission(1, List.of())); // exactly at the limit is fine
        assertThatThrownBy(() -> jobs.submit(submission(1, List.of()))).isInstanceOf(QuotaExceededException.class);
        assertThat(db.queryLong("SELECT count(*) FROM jobs WHERE user_id = 1")).isEqualTo(3);

        // another user of the guild has their own allowance; another guild has no rule at all
        jobs.submitCopies(submission(2, List.of()), 3);
        jobs.submitCopies(new JobSubmission(JobSystem.request("other guild", 2), JobOrigin.cli(78, 1)), 50);
    }

    @Test
    void userRulesBeatRoleRulesWhichBeatTheGuildDefaultAndTheMostGenerousRoleWins() throws Exception {
        JobService jobs = new JobSystem(db, JobSystem.FAST, MutableClock.at(NOON)).jobs();
        rules.put(GUILD, QuotaScope.GUILD_DEFAULT, 0, 1, null, NOON);
        rules.put(GUILD, QuotaScope.ROLE, 500, 5, null, NOON);
        rules.put(GUILD, QuotaScope.ROLE, 501, 8, 60, NOON);
        rules.put(GUILD, QuotaScope.USER, 9, 2, null, NOON);

        assertThat(jobs.quotaStatus(GUILD, 3, List.of()).imagesLimit()).isEqualTo(1);
        assertThat(jobs.quotaStatus(GUILD, 3, List.of(500L)).imagesLimit()).isEqualTo(5);
        QuotaStatus both = jobs.quotaStatus(GUILD, 3, List.of(500L, 501L));
        assertThat(both.imagesLimit()).isEqualTo(8);
        assertThat(both.gpuSecondsLimit()).as("role 500 sets no GPU limit: unlimited wins").isNull();
        assertThat(jobs.quotaStatus(GUILD, 9, List.of(501L)).imagesLimit()).isEqualTo(2);
        assertThat(jobs.quotaStatus(GUILD, 3, List.of()).resetsAt()).as("the database's midnight, not the bot's")
                .isEqualTo(databaseTomorrow().atStartOfDay(java.time.ZoneOffset.UTC).toInstant());

        jobs.submitCopies(submission(3, List.of(500L, 501L)), 8);
        assertThatThrownBy(() -> jobs.submit(submission(3, List.of(500L, 501L)))).isInstanceOf(QuotaExceededException.class);
    }

    @Test
    void gpuSecondsQuotaUsesTheLedgerCountersOfTodayOnly() throws Exception {
        MutableClock clock = MutableClock.at(NOON);
        JobService jobs = new JobSystem(db, JobSystem.FAST, clock).jobs();
        rules.put(GUILD, QuotaScope.GUILD_DEFAULT, 0, null, 5, NOON);
        db.update("INSERT INTO usage_counters (guild_id, user_id, usage_day, images, gpu_ms)"
                + " VALUES (?, 1, (now() AT TIME ZONE 'UTC')::date, 3, 5000)", GUILD);

        assertThatThrownBy(() -> jobs.submit(submission(1, List.of())))
                .isInstanceOf(QuotaExceededException.class)
                .hasMessageContaining("Daily GPU time quota exceeded: 5.0 used and about 0.0 queued or running of 5 GPU-seconds");

        clock.advance(Duration.ofHours(12)); // the bot's clock says tomorrow: the database's day still counts
        assertThat(jobs.quotaStatus(GUILD, 1, List.of()).gpuMillisUsed()).isEqualTo(5000);
        db.update("UPDATE usage_counters SET usage_day = usage_day - 1"); // the database's next day: yesterday's no longer counts
        assertThat(jobs.quotaStatus(GUILD, 1, List.of()).gpuMillisUsed()).isZero();
        jobs.submit(submission(1, List.of()));
    }

    @Test
    void theConcurrentJobLimitCountsQueuedAndRunningJobsOfTheMemberInThisGuild() throws Exception {
        JobService jobs = new JobSystem(db, JobSystem.FAST, MutableClock.at(NOON)).jobs();
        rules.put(GUILD, QuotaScope.GUILD_DEFAULT, 0, null, null, 2, NOON);

        long first = jobs.submit(submission(1, List.of()));
        jobs.submit(submission(1, List.of()));
        assertThatThrownBy(() -> jobs.submit(submission(1, List.of())))
                .isInstanceOf(QuotaExceededException.class)
                .hasMessageContaining("Too many jobs at once: you have 2 queued or running and this server allows 2");
        assertThatThrownBy(() -> jobs.checkQuota(GUILD, 1, List.of(), JobSystem.request("x", 2)))
                .isInstanceOf(QuotaExceededException.class);
        assertThat(db.queryLong("SELECT count(*) FROM jobs WHERE user_id = 1")).isEqualTo(2);
        jobs.submit(submission(2, List.of())); // another member has their own allowance
        jobs.submit(new JobSubmission(JobSystem.request("elsewhere", 2), JobOrigin.cli(78, 1), List.of(), 0));

        db.update("UPDATE jobs SET state = 'SUCCEEDED' WHERE id = ?", first); // a finished job frees its place
        jobs.submit(submission(1, List.of()));
        assertThat(jobs.quotaStatus(GUILD, 1, List.of()).activeJobs()).isEqualTo(2);
    }

    @Test
    void aGpuSecondsQuotaCountsQueuedWorkAtTheGuildsMeasuredCostSoABurstIsCutOff() throws Exception {
        JobService jobs = new JobSystem(db, JobSystem.FAST, MutableClock.at(NOON)).jobs();
        // history: one finished 64x64 image of 10 steps took 1000 GPU-ms, so each such request is estimated at 1 s
        long done = jobs.submit(new JobSubmission(JobSystem.request("history", 10), JobOrigin.cli(GUILD, 1), List.of(), 0));
        db.update("UPDATE jobs SET state = 'POSTED' WHERE id = ?", done);
        db.update("INSERT INTO usage_ledger (job_id, attempt, guild_id, user_id, worker_id, outcome, images, gpu_ms, usage_day,"
                + " recorded_at) VALUES (?, 1, ?, 1, 'w', 'SUCCEEDED', 1, 1000, (now() AT TIME ZONE 'UTC')::date, now())", done, GUILD);
        db.update("INSERT INTO usage_counters (guild_id, user_id, usage_day, images, gpu_ms)"
                + " VALUES (?, 1, (now() AT TIME ZONE 'UTC')::date, 1, 1000)", GUILD);
        rules.put(GUILD, QuotaScope.GUILD_DEFAULT, 0, null, 4, NOON);

        int accepted = 0;
        try {
            for (int i = 0; i < 10; i++) {
                jobs.submit(new JobSubmission(JobSystem.request("burst " + i, 10), JobOrigin.cli(GUILD, 1), List.of(), 0));
                accepted++;
            }
        } catch (QuotaExceededException e) {
            assertThat(e.getMessage()).contains("Daily GPU time quota exceeded: 1.0 used and about 3.0 queued or running of 4"
                    + " GPU-seconds per day, this request needs about 1.0 more");
        }
        assertThat(accepted).as("1 s used + 3 queued of 1 s each reach the 4 s limit").isEqualTo(3);
        QuotaStatus status = jobs.quotaStatus(GUILD, 1, List.of());
        assertThat(status.gpuMillisInFlight()).isEqualTo(3000);

        // a guild without history is estimated at the documented default rate
        rules.put(78, QuotaScope.GUILD_DEFAULT, 0, null, 1, NOON);
        jobs.submit(new JobSubmission(JobSystem.request("new guild", 10), JobOrigin.cli(78, 1), List.of(), 0));
        long expected = (long) Math.ceil(dev.sdbot.scheduler.store.GpuTimeEstimates.DEFAULT_MS_PER_MEGAPIXEL_STEP
                / 1e6 * 10 * 64 * 64);
        assertThat(jobs.quotaStatus(78, 1, List.of()).gpuMillisInFlight()).isEqualTo(expected);
    }

    @Test
    void finishedJobsAreChargedAndTheQuartzJobsResetCountersAndPurgeOldImages() throws Exception {
        try (JobSystem system = new JobSystem(db)) {
            rules.put(GUILD, QuotaScope.GUILD_DEFAULT, 0, 10, null, Instant.now());
            SchedulerNode node = system.startNode();
            system.startWorker("w", 2, new TestPatternGenerator());
            List<Long> ids = system.jobs().submitCopies(submission(1, List.of()), 2);
            await().atMost(Duration.ofSeconds(20)).until(() -> ids.stream()
                    .allMatch(id -> system.jobs().find(id).orElseThrow().state() == JobState.SUCCEEDED));
            QuotaStatus status = system.jobs().quotaStatus(GUILD, 1, List.of());
            assertThat(status.imagesUsed()).isEqualTo(2);
            assertThat(status.imagesPending()).isZero();

            // the daily reset drops counters of past days (the ledger keeps them)
            db.update("INSERT INTO usage_counters (guild_id, user_id, usage_day, images, gpu_ms) VALUES (?, 1, current_date - 2, 9, 0)", GUILD);
            node.triggerNow("quota-reset");
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> db.queryLong("SELECT count(*) FROM usage_counters WHERE usage_day < current_date") == 0);
            assertThat(db.queryLong("SELECT count(*) FROM usage_counters WHERE usage_day = current_date")).as("today's kept").isEqualTo(1);
            assertThat(db.queryLong("SELECT count(*) FROM qrtz_cron_triggers WHERE trigger_name = 'quota-reset'"
                    + " AND cron_expression = '0 0 0 * * ?' AND time_zone_id = 'UTC'")).isEqualTo(1);

            // retention purges old images but keeps the rows
            db.update("UPDATE job_results SET created_at = now() - interval '30 days' WHERE job_id = ?", ids.get(0));
            node.triggerNow("retention");
            await().atMost(Duration.ofSeconds(20)).until(() -> system.jobs().results(ids.get(0)).get(0).png() == null);
            assertThat(system.jobs().results(ids.get(1)).get(0).png()).isNotNull();
        }
    }

    private LocalDate databaseTomorrow() {
        return LocalDate.ofEpochDay(db.queryLong("SELECT (now() AT TIME ZONE 'UTC')::date + 1 - date '1970-01-01'"));
    }
}
