package dev.sdbot.inference.api;

/** Receives per-step progress and tells the generator whether to stop. */
public interface ProgressListener {
    ProgressListener NONE = new ProgressListener() {
        @Override
        public void onProgress(Progress progress) {
        }
    };

    void onProgress(Progress progress);

    /** Checked between steps; when true the generator throws {@link GenerationCancelledException}. */
    default boolean isCancelled() {
        return false;
    }

    /**
     * Whether the report of {@code step} out of {@code totalSteps} should carry a preview image. Asked before each
     * report: a preview costs a latent projection and a PNG encode (and a device sync on a GPU), so a listener that
     * will drop a report (throttled, or the last step, which comes with the result) says no and none is rendered.
     */
    default boolean wantsPreview(int step, int totalSteps) {
        return false;
    }
}
