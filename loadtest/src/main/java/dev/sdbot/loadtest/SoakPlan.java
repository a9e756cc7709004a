package dev.sdbot.loadtest;

import java.time.Duration;

/**
 * What a soak runs: jobs submitted at {@code rate} per second (so its length is proportional to the job count), 3
 * workers of {@code slots} slots, one of them with its clock {@code clockSkew} off, and the faults: a worker SIGKILLed
 * every {@code workerKillEvery}, the leader scheduler SIGKILLed a third of the way through the submissions, the bot's
 * process SIGKILLed half way through, the database stopped for {@code databaseOutage} two thirds of the way through.
 */
public record SoakPlan(int jobs, double rate, int slots, int steps, int stepMillis, Duration lease,
                       Duration workerKillEvery, Duration clockSkew, Duration databaseOutage, Duration drainTimeout) {
    public static final int WORKERS = 3;

    public SoakPlan {
        if (jobs < 1 || rate <= 0 || slots < 1 || steps < 1 || stepMillis < 0) {
            throw new IllegalArgumentException("jobs, rate, slots and steps must be positive, the step time not negative");
        }
        if (lease.toSeconds() < 2 || workerKillEvery.isNegative() || workerKillEvery.isZero()
                || databaseOutage.isNegative() || drainTimeout.isNegative()) {
            throw new IllegalArgumentException("the lease must be at least 2 s and the fault intervals positive");
        }
    }

    /** How long submitting takes. */
    public Duration submissionTime() {
        return Duration.ofMillis((long) (jobs * 1000 / rate));
    }
}
