package dev.sdbot.scheduler;

import dev.sdbot.inference.api.GenerationRequest;

import java.util.List;
import java.util.Objects;

/**
 * A request to queue a job.
 *
 * @param roleIds  the requester's role ids (for role quotas)
 * @param priority higher runs earlier among equally fair jobs (e.g. from a role); 0 = normal
 */
public record JobSubmission(GenerationRequest request, JobOrigin origin, List<Long> roleIds, int priority) {
    /**
     * The priority of a relaxed job (relax mode: its member is over a daily quota): so many rounds back that it goes
     * out only when no other job waits that a worker could take.
     */
    public static final int RELAX_PRIORITY = -1_000_000;

    public JobSubmission {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(origin, "origin");
        roleIds = roleIds == null ? List.of() : List.copyOf(roleIds);
    }

    public JobSubmission(GenerationRequest request, JobOrigin origin) {
        this(request, origin, List.of(), 0);
    }

    /** The same submission in relax mode. */
    JobSubmission relaxed() {
        return new JobSubmission(request, origin, roleIds, RELAX_PRIORITY);
    }
}
