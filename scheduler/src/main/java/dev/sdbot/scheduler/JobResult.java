package dev.sdbot.scheduler;

import dev.sdbot.inference.api.SafetyVerdict;

/**
 * One stored image of a job.
 *
 * @param png       PNG bytes, or null once the retention purge removed them
 * @param safety    the safety checker's verdict (UNCHECKED when no checker ran)
 * @param gpuMillis device time of the whole job (the same for every image of it)
 */
public record JobResult(long jobId, int index, int attempt, byte[] png, long seed, SafetyVerdict safety, float[] nsfwScores,
                        long gpuMillis) {
}
