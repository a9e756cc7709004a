package dev.sdbot.bot.features.imagine;

import dev.sdbot.bot.discord.Rejection;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.scheduler.JobService;

import java.util.List;

/**
 * Refuses, before the reply is deferred, a request no live worker could run: an unknown {@code <lora:NAME>} (from the
 * prompt or the {@code lora} option) or a hires fix larger than every worker's pixel budget.
 */
public final class RunnableRequestCheck implements SubmitCheck {
    private final JobService jobs;

    public RunnableRequestCheck(JobService jobs) {
        this.jobs = jobs;
    }

    @Override
    public GenerationRequest check(Submitter submitter, GenerationRequest request, List<String> notices) {
        try {
            jobs.checkRunnable(request);
        } catch (IllegalArgumentException e) {
            String reason = e.getMessage();
            throw new Rejection("⚠️ " + Character.toUpperCase(reason.charAt(0)) + reason.substring(1) + ".");
        }
        return request;
    }
}
