package dev.sdbot.scheduler.store;

/** A database call failed (connection lost, constraint violated...). */
public class DataAccessException extends RuntimeException {
    public DataAccessException(String message, Throwable cause) {
        super(message + ": " + cause.getMessage(), cause);
    }
}
