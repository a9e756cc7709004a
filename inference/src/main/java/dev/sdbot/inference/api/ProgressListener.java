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

    /** Whether the listener wants preview images (they cost a little time). */
    default boolean wantsPreview() {
        return false;
    }
}
