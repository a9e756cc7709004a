package dev.sdbot.scheduler.images;

/** The image store could not be read or written (the message names the key and the store, never a credential). */
public final class ImageStoreException extends RuntimeException {
    public ImageStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
