package dev.sdbot.inference.api;

/** The listener asked the generator to stop between steps. */
public class GenerationCancelledException extends GenerationException {
    public GenerationCancelledException(int stepsDone) {
        super("cancelled after " + stepsDone + " steps");
    }
}
