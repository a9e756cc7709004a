package dev.sdbot.scheduler.images;

import java.util.UUID;

/**
 * The one naming of image keys. A result is keyed by job, attempt and index: a retried write of the same attempt (after a
 * database outage, or a crash between the store and the database) lands on the same key, and a worker that lost the job
 * writes beside the winner's images, never over them; everything of a job shares {@link #resultsOf} for the purge.
 * Input images get a fresh key at submit, written before the job row exists.
 */
public final class ImageKeys {
    private ImageKeys() {
    }

    public static String result(long jobId, int attempt, int index) {
        return resultsOf(jobId) + attempt + "-" + index + ".png";
    }

    /** The prefix of every result key of the job, of any attempt. */
    public static String resultsOf(long jobId) {
        return "results/" + jobId + "/";
    }

    /**
     * The key of an input image moved out of a job row written before the image store: the same for the same job, so a
     * move interrupted between the store and the row writes the same object again when resumed.
     */
    public static String movedInput(long jobId, String what) {
        return "inputs/job-" + jobId + "/" + what + ".png";
    }

    /** A new key for an input image ({@code what}: init or mask). */
    public static String newInput(String what) {
        return "inputs/" + UUID.randomUUID() + "/" + what + ".png";
    }
}
