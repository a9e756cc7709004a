package dev.sdbot.scheduler.store;

import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.scheduler.JobInputs;

/**
 * A job a worker has taken to RUNNING; {@code attempt} fences all its later writes. {@code request} lacks the input
 * images kept in the image store ({@code inputs}; {@link StoredInputs#load} reads them).
 */
public record ClaimedJob(long id, int attempt, long guildId, long userId, GenerationRequest request, JobInputs inputs) {
}
