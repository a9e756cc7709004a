package dev.sdbot.scheduler;

import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.scheduler.testing.JobSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ExtendWith(EmbeddedPostgresExtension.class)
class QuartzClusterTest {

    @Test
    void twoNodesJoinOneClusterAndTheFallbackTriggerFiresFromTheJdbcStore(TestDatabase db) throws Exception {
        try (JobSystem system = new JobSystem(db)) {
            SchedulerNode a = system.startNode();
            SchedulerNode b = system.startNode();
            assertThat(a.quartzInstanceId()).isNotEqualTo(b.quartzInstanceId());
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    db.queryLong("SELECT count(*) FROM qrtz_scheduler_state WHERE sched_name = 'sdbot'") == 2);
            long fired = db.queryLong("SELECT coalesce(max(prev_fire_time), 0) FROM qrtz_triggers WHERE trigger_name = 'dispatch'");
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    db.queryLong("SELECT coalesce(max(prev_fire_time), 0) FROM qrtz_triggers WHERE trigger_name = 'dispatch'") > fired);
            // dispatch, quota-reset, retention (images), row-retention
            assertThat(db.queryLong("SELECT count(*) FROM qrtz_job_details WHERE sched_name = 'sdbot'"))
                    .as("each job scheduled once for the cluster").isEqualTo(4);
            assertThat(db.queryLong("SELECT count(DISTINCT job_name) FROM qrtz_job_details WHERE sched_name = 'sdbot'"
                    + " AND job_name IN ('dispatch', 'quota-reset', 'retention', 'row-retention')")).isEqualTo(4);
        }
    }
}
