package dev.sdbot.bot.features.moderation.filter;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;

/**
 * The processor time one submit's screening may take, all texts, rules and strip passes together: a guild's rule
 * set can be hostile (many rules, each run on several texts over several passes), so the whole is bounded, not
 * each part. Counted in the screening thread's CPU time, so a busy machine does not make ordinary prompts fail;
 * running out fails closed: the rule being checked counts as not passed. One budget belongs to one thread.
 */
public final class ScreeningBudget {
    /** One submit's screening: prompt and negative prompt, every rule, every pass. */
    public static final Duration PER_SUBMIT = Duration.ofMillis(500);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Reading a thread's CPU time costs about 10 µs: it is read once per this many checks (a few µs of work each). */
    private static final int CHECKS_PER_READ = 64;

    private final long endCpuNanos;
    private int checks;

    private ScreeningBudget(long endCpuNanos) {
        this.endCpuNanos = endCpuNanos;
    }

    /** A budget of {@link #PER_SUBMIT} of this thread's processor time from now. */
    public static ScreeningBudget start() {
        return new ScreeningBudget(cpuNanos() + PER_SUBMIT.toNanos());
    }

    /** This thread's CPU time, or wall time where the JVM cannot measure it (then a busy machine counts too). */
    static long cpuNanos() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    }

    /** @throws RuleCheckFailedException if the budget is spent (read now: at the start of each rule and text) */
    void checkNow(FilterRuleRef rule) {
        if (cpuNanos() - endCpuNanos > 0) {
            throw spent(rule);
        }
    }

    /** @throws RuleCheckFailedException once the budget is spent (noticed within {@link #CHECKS_PER_READ} checks) */
    void check(FilterRuleRef rule) {
        if (++checks % CHECKS_PER_READ == 0) {
            checkNow(rule);
        }
    }

    private static RuleCheckFailedException spent(FilterRuleRef rule) {
        return new RuleCheckFailedException("the filter's " + PER_SUBMIT.toMillis() + " ms per prompt ran out at rule "
                + (rule.builtIn() ? "of the default list" : "#" + rule.id()));
    }
}
