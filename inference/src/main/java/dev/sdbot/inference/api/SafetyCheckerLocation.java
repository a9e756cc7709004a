package dev.sdbot.inference.api;

import java.nio.file.Path;

/**
 * Where the safety checker shared by every model without one of its own is looked for: a folder of this name in
 * the models directory ({@code $SDBOT_MODELS}), unless {@code SDBOT_SAFETY_CHECKER} names another. The engine
 * opens it; a worker or a front end only tells the operator where it goes.
 */
public final class SafetyCheckerLocation {
    /** The shared checker's folder name inside the models directory. */
    public static final String SHARED_FOLDER = "safety-checker";
    /** What an operator does to have the images of a model without a checker checked, for warnings. */
    public static final String HOW_TO_INSTALL = "install a shared checker at $SDBOT_MODELS/" + SHARED_FOLDER
            + " or set SDBOT_SAFETY_CHECKER";

    private SafetyCheckerLocation() {
    }

    /** The shared checker's folder in this models directory (which may not exist). */
    public static Path sharedIn(Path modelsDir) {
        return modelsDir.resolve(SHARED_FOLDER);
    }
}
