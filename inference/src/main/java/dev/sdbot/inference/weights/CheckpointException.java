package dev.sdbot.inference.weights;

/** A checkpoint file or folder cannot be read: missing, corrupt, truncated or of an unknown kind. */
public class CheckpointException extends RuntimeException {
    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
