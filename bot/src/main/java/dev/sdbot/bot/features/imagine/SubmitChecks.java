package dev.sdbot.bot.features.imagine;

import dev.sdbot.inference.api.GenerationRequest;

import java.util.ArrayList;
import java.util.List;

/** All {@link SubmitCheck}s, in order; each sees the request as the previous one left it. */
public final class SubmitChecks {
    private final List<SubmitCheck> checks;

    public SubmitChecks(List<SubmitCheck> checks) {
        this.checks = List.copyOf(checks);
    }

    /** The request after every check, and what the member should be told; throws Rejection to refuse. */
    public Checked apply(Submitter submitter, GenerationRequest request) {
        List<String> notices = new ArrayList<>();
        GenerationRequest current = request;
        for (SubmitCheck check : checks) {
            current = check.check(submitter, current, notices);
        }
        return new Checked(current, List.copyOf(notices));
    }

    /** A request that passed every check, with the notices for the member. */
    public record Checked(GenerationRequest request, List<String> notices) {
    }
}
