package dev.sdbot.inference.api;

/** The request cannot be run as given (bad size, unknown model, unreadable image...). Not retried. */
public class InvalidRequestException extends GenerationException {
    public InvalidRequestException(String message) {
        super(message);
    }

    public InvalidRequestException(String message, Throwable cause) {
        super(message, cause);
    }
}
