package dev.sdbot.scheduler;

/**
 * One stored image of a job.
 *
 * @param png       PNG bytes, or null once the retention purge removed them
 * @param gpuMillis device time of the whole job (the same for every image of it)
 */
public record JobResult(long jobId, int index, int attempt, byte[] png, long seed, boolean nsfw, float[] nsfwScores,
                        long gpuMillis) {
}
