package dev.sdbot.scheduler;

import org.slf4j.MDC;

import java.util.Map;
import java.util.function.Consumer;

/**
 * The job a thread is handling, in the SLF4J MDC ({@code job_id}, {@code guild_id}, {@code worker_id}), so that every
 * log line written meanwhile names it (JSON logs carry them as fields). Opened around a job's work and closed after it,
 * restoring what the thread had before: pool threads must not carry one job's ids into the next. Callbacks that run
 * later on another thread (JDA's, a future's) take the context along with {@link #carry}.
 */
public final class JobLogContext implements AutoCloseable {
    public static final String JOB = "job_id";
    public static final String GUILD = "guild_id";
    public static final String WORKER = "worker_id";

    private final Map<String, String> previous;

    private JobLogContext(Map<String, String> previous) {
        this.previous = previous;
    }

    /** Puts the job's ids into this thread's MDC until {@link #close}; a null worker (not assigned yet) is left out. */
    public static JobLogContext open(long jobId, long guildId, String workerId) {
        JobLogContext context = new JobLogContext(MDC.getCopyOfContextMap());
        MDC.put(JOB, Long.toString(jobId));
        MDC.put(GUILD, Long.toString(guildId));
        if (workerId == null) {
            MDC.remove(WORKER);
        } else {
            MDC.put(WORKER, workerId);
        }
        return context;
    }

    /** The job's ids, as {@link #open(long, long, String)}. */
    public static JobLogContext open(JobView job) {
        return open(job.id(), job.origin().guildId(), job.workerId());
    }

    /** The callback, run with the MDC of the thread that wraps it (and the runner's own MDC restored after). */
    public static <T> Consumer<T> carry(Consumer<T> callback) {
        Map<String, String> captured = MDC.getCopyOfContextMap();
        return value -> {
            Map<String, String> before = MDC.getCopyOfContextMap();
            replace(captured);
            try {
                callback.accept(value);
            } finally {
                replace(before);
            }
        };
    }

    private static void replace(Map<String, String> context) {
        if (context == null) {
            MDC.clear();
        } else {
            MDC.setContextMap(context);
        }
    }

    @Override
    public void close() {
        replace(previous);
    }
}
