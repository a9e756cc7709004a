package dev.sdbot.scheduler.quartz;

import dev.sdbot.scheduler.dispatch.Dispatcher;
import dev.sdbot.scheduler.dispatch.LeaseReaper;
import dev.sdbot.scheduler.store.ResultStore;
import dev.sdbot.scheduler.store.UsageStore;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/** The Quartz jobs. Each runs on one node of the cluster at a time. */
final class MaintenanceJobs {
    private static final Logger log = LoggerFactory.getLogger(MaintenanceJobs.class);

    private MaintenanceJobs() {
    }

    /**
     * The periodic fallback: take back expired leases, then dispatch whatever NOTIFY did not; only on the
     * elected dispatcher (the trigger fires on any node of the cluster).
     */
    @DisallowConcurrentExecution
    static final class DispatchJob implements Job {
        private final LeaseReaper reaper;
        private final Dispatcher dispatcher;
        private final java.util.function.BooleanSupplier leading;

        DispatchJob(LeaseReaper reaper, Dispatcher dispatcher, java.util.function.BooleanSupplier leading) {
            this.reaper = reaper;
            this.dispatcher = dispatcher;
            this.leading = leading;
        }

        @Override
        public void execute(JobExecutionContext context) throws JobExecutionException {
            if (!leading.getAsBoolean()) {
                return;
            }
            try {
                reaper.reap();
                dispatcher.dispatchOnce();
            } catch (RuntimeException e) {
                log.warn("Dispatch/maintenance pass failed: {}", e.getMessage());
            }
        }
    }

    /** Daily at UTC midnight: drops yesterday's quota counters (the ledger keeps the history). */
    @DisallowConcurrentExecution
    static final class QuotaResetJob implements Job {
        private final UsageStore usage;

        QuotaResetJob(UsageStore usage) {
            this.usage = usage;
        }

        @Override
        public void execute(JobExecutionContext context) throws JobExecutionException {
            try {
                int removed = usage.resetPastCounters();
                log.info("Daily quota reset: removed {} usage counter(s) of past days", removed);
            } catch (RuntimeException e) {
                throw new JobExecutionException(e);
            }
        }
    }

    /** Hourly: removes result images, and the previews, init images and masks of jobs, older than the retention period. */
    @DisallowConcurrentExecution
    static final class RetentionJob implements Job {
        private final ResultStore results;
        private final Duration retention;

        RetentionJob(ResultStore results, Duration retention) {
            this.results = results;
            this.retention = retention;
        }

        @Override
        public void execute(JobExecutionContext context) throws JobExecutionException {
            try {
                int purged = results.purgeImagesOlderThan(retention);
                int jobs = results.purgeJobImagesOlderThan(retention);
                results.purgeStalePreviews();
                if (purged + jobs > 0) {
                    log.info("Retention: purged {} result image(s) and the images of {} job(s) older than {}", purged, jobs, retention);
                }
            } catch (RuntimeException e) {
                throw new JobExecutionException(e);
            }
        }
    }
}
