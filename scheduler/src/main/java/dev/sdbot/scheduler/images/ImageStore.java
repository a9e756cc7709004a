package dev.sdbot.scheduler.images;

import java.util.Collection;

/**
 * Where the bytes of images live (result PNGs, img2img init images, inpainting masks), so that the job tables carry
 * only keys: {@link FileImageStore} (the default: a directory, nothing to set up) or {@link S3ImageStore} (any
 * S3-compatible server, for several hosts). Keys are chosen by the writer ({@link ImageKeys}) and never reused for
 * other content, so writing a key again (a retry) writes the same bytes: every operation is idempotent.
 */
public interface ImageStore extends AutoCloseable {

    /** Stores the bytes under the key, replacing what was there. */
    void put(String key, byte[] bytes);

    /** The bytes under the key, or null when there are none (purged, or never written). */
    byte[] get(String key);

    /** Deletes the objects of these keys; a key without an object is no error. */
    void delete(Collection<String> keys);

    /** Deletes every object whose key starts with the prefix (a job's results, orphans of crashed attempts included). */
    void deletePrefix(String prefix);

    /** What and where, for logs and {@code /ready}; never a credential. */
    String describe();

    @Override
    default void close() {
    }
}
