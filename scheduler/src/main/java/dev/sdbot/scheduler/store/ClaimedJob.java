package dev.sdbot.scheduler.store;

import dev.sdbot.inference.api.GenerationRequest;

/** A job a worker has taken to RUNNING; {@code attempt} fences all its later writes. */
public record ClaimedJob(long id, int attempt, long guildId, long userId, GenerationRequest request) {
}
