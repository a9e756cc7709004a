package dev.sdbot.inference.api;

/**
 * What the safety checker said of one image. {@link #UNCHECKED} means no checker saw it (the model has
 * none and no shared one is installed): it is never treated as clean.
 */
public enum SafetyVerdict {
    CLEAN, FLAGGED, UNCHECKED;

    /** Whether an image with this verdict may be shown where only checked, clean images may be. */
    public boolean passed() {
        return this == CLEAN;
    }
}
