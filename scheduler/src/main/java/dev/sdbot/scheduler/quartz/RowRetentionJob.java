package dev.sdbot.scheduler.quartz;

import dev.sdbot.scheduler.RowRetention;
import dev.sdbot.scheduler.store.RetentionStore;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Daily (Quartz "row-retention", on one node of the cluster): clears old interaction tokens, rolls the old usage ledger
 * up per day, deletes old finished jobs, moderation events and member turns ({@link RowRetention}).
 */
@DisallowConcurrentExecution
final class RowRetentionJob implements Job {
    private static final Logger LOG = LoggerFactory.getLogger(RowRetentionJob.class);
    static final String NAME = "row-retention";
    /** 03:41 UTC: away from the hourly image retention and the midnight quota reset. */
    static final String CRON = "0 41 3 * * ?";

    private final RetentionStore store;
    private final RowRetention retention;

    RowRetentionJob(RetentionStore store, RowRetention retention) {
        this.store = store;
        this.retention = retention;
    }

    @Override
    public void execute(JobExecutionContext context) throws JobExecutionException {
        try {
            RetentionStore.Removed removed = store.apply(retention);
            LOG.info("Row retention ({}): {} interaction token(s) cleared, {} ledger row(s) rolled up, {} job(s),"
                            + " {} moderation event(s), {} member turn(s) deleted", retention, removed.tokensCleared(),
                    removed.ledgerRowsRolledUp(), removed.jobs(), removed.moderationEvents(), removed.memberTurns());
        } catch (RuntimeException e) {
            throw new JobExecutionException(e);
        }
    }
}
