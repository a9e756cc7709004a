package dev.sdbot.scheduler.quartz;

import dev.sdbot.scheduler.SchedulerSettings;
import dev.sdbot.scheduler.dispatch.Dispatcher;
import dev.sdbot.scheduler.dispatch.LeaseReaper;
import dev.sdbot.scheduler.images.ImageStore;
import dev.sdbot.scheduler.store.ResultStore;
import dev.sdbot.scheduler.store.RetentionStore;
import dev.sdbot.scheduler.store.UsageStore;
import org.quartz.CronScheduleBuilder;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.ObjectAlreadyExistsException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.SchedulerRepository;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.simpl.PropertySettingJobFactory;
import org.quartz.utils.DBConnectionManager;

import javax.sql.DataSource;
import java.util.Map;
import java.util.Properties;
import java.util.TimeZone;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Quartz on the clustered JDBC job store in sdbot's own PostgreSQL. Nodes share the scheduler
 * name "sdbot" (the QRTZ_LOCKS rows are seeded for it by the migration); each trigger fires on
 * one node at a time.
 */
public final class ClusterScheduler implements AutoCloseable {
    public static final String SCHEDULER_NAME = "sdbot";
    static final String GROUP = "sdbot";
    static final String QUOTA_RESET_CRON = "0 0 0 * * ?";
    static final String RETENTION_CRON = "0 17 * * * ?";

    private final Scheduler scheduler;

    public ClusterScheduler(DataSource dataSource, ImageStore images, SchedulerSettings settings,
                            LeaseReaper reaper, Dispatcher dispatcher, java.util.function.BooleanSupplier leading) {
        // Quartz looks data sources up by name in a JVM-wide registry; unique names let several nodes share a JVM (tests).
        String dataSourceName = "sdbot-" + UUID.randomUUID();
        DBConnectionManager.getInstance().addConnectionProvider(dataSourceName, new DataSourceConnectionProvider(dataSource));
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", SCHEDULER_NAME);
        p.setProperty("org.quartz.scheduler.instanceId", "AUTO");
        p.setProperty("org.quartz.scheduler.instanceIdGenerator.class", UniqueInstanceIdGenerator.class.getName());
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.threadPool.threadCount", "2");
        p.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        p.setProperty("org.quartz.jobStore.dataSource", dataSourceName);
        p.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
        p.setProperty("org.quartz.jobStore.isClustered", "true");
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval", "5000");
        p.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
        p.setProperty("org.quartz.jobStore.misfireThreshold", "10000");
        try {
            StdSchedulerFactory factory = new StdSchedulerFactory(p);
            synchronized (ClusterScheduler.class) {
                scheduler = factory.getScheduler();
                // Unbind from the JVM-wide repository so another node (same name) can be created in this JVM.
                SchedulerRepository.getInstance().remove(SCHEDULER_NAME);
            }
            UsageStore usage = new UsageStore(dataSource);
            ResultStore results = new ResultStore(dataSource, images);
            Map<Class<? extends Job>, Supplier<Job>> jobs = Map.of(
                    MaintenanceJobs.DispatchJob.class, () -> new MaintenanceJobs.DispatchJob(reaper, dispatcher, leading),
                    MaintenanceJobs.QuotaResetJob.class, () -> new MaintenanceJobs.QuotaResetJob(usage),
                    MaintenanceJobs.RetentionJob.class, () -> new MaintenanceJobs.RetentionJob(results, settings.resultRetention()),
                    RowRetentionJob.class, () -> new RowRetentionJob(new RetentionStore(dataSource, images), settings.rowRetention()));
            PropertySettingJobFactory fallback = new PropertySettingJobFactory();
            scheduler.setJobFactory((bundle, sched) -> {
                Supplier<Job> job = jobs.get(bundle.getJobDetail().getJobClass());
                return job != null ? job.get() : fallback.newJob(bundle, sched);
            });
            ensure(MaintenanceJobs.DispatchJob.class, "dispatch", TriggerBuilder.newTrigger()
                    .withSchedule(SimpleScheduleBuilder.simpleSchedule()
                            .withIntervalInMilliseconds(settings.dispatchInterval().toMillis())
                            .repeatForever()
                            .withMisfireHandlingInstructionNextWithRemainingCount()));
            ensure(MaintenanceJobs.QuotaResetJob.class, "quota-reset", TriggerBuilder.newTrigger()
                    .withSchedule(CronScheduleBuilder.cronSchedule(QUOTA_RESET_CRON).inTimeZone(TimeZone.getTimeZone("UTC"))));
            ensure(MaintenanceJobs.RetentionJob.class, "retention", TriggerBuilder.newTrigger()
                    .withSchedule(CronScheduleBuilder.cronSchedule(RETENTION_CRON).inTimeZone(TimeZone.getTimeZone("UTC"))));
            ensure(RowRetentionJob.class, RowRetentionJob.NAME, TriggerBuilder.newTrigger()
                    .withSchedule(CronScheduleBuilder.cronSchedule(RowRetentionJob.CRON).inTimeZone(TimeZone.getTimeZone("UTC"))));
        } catch (SchedulerException e) {
            throw new IllegalStateException("could not set up Quartz: " + e.getMessage(), e);
        }
    }

    /** Schedules the job once for the whole cluster; replaces its trigger if the schedule changed. */
    private void ensure(Class<? extends Job> type, String name, TriggerBuilder<? extends Trigger> trigger) throws SchedulerException {
        JobKey key = new JobKey(name, GROUP);
        JobDetail job = JobBuilder.newJob(type).withIdentity(key).storeDurably().build();
        Trigger wanted = trigger.withIdentity(name, GROUP).forJob(key).startNow().build();
        Trigger existing = scheduler.getTrigger(wanted.getKey());
        try {
            if (existing == null) {
                scheduler.scheduleJob(job, wanted);
            } else if (!sameSchedule(existing, wanted)) {
                scheduler.rescheduleJob(wanted.getKey(), wanted);
            }
        } catch (ObjectAlreadyExistsException e) {
            // another node scheduled it at the same moment
        }
    }

    private static boolean sameSchedule(Trigger a, Trigger b) {
        if (a instanceof org.quartz.SimpleTrigger sa && b instanceof org.quartz.SimpleTrigger sb) {
            return sa.getRepeatInterval() == sb.getRepeatInterval();
        }
        if (a instanceof org.quartz.CronTrigger ca && b instanceof org.quartz.CronTrigger cb) {
            return ca.getCronExpression().equals(cb.getCronExpression());
        }
        return false;
    }

    public void start() {
        try {
            scheduler.start();
        } catch (SchedulerException e) {
            throw new IllegalStateException("could not start Quartz: " + e.getMessage(), e);
        }
    }

    public String instanceId() {
        try {
            return scheduler.getSchedulerInstanceId();
        } catch (SchedulerException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs a job now on whichever node picks it up (operators, tests). */
    public void triggerNow(String name) {
        try {
            scheduler.triggerJob(new JobKey(name, GROUP));
        } catch (SchedulerException e) {
            throw new IllegalStateException("could not trigger " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            scheduler.shutdown(true);
        } catch (SchedulerException e) {
            throw new IllegalStateException("could not stop Quartz: " + e.getMessage(), e);
        }
    }
}
