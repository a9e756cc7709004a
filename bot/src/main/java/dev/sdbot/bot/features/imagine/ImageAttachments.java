package dev.sdbot.bot.features.imagine;

import dev.sdbot.inference.api.InvalidRequestException;
import dev.sdbot.inference.image.ImageCodec;
import net.dv8tion.jda.api.entities.Message;

import javax.imageio.ImageIO;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Checks and downloads the image and mask attachments of /imagine. Only an image's header is read (the
 * engine's {@link ImageCodec#inspect}): its pixels are decoded by the worker, so a small file claiming huge
 * dimensions is refused here without costing memory.
 */
public final class ImageAttachments {
    public static final long MAX_BYTES = 10L * 1024 * 1024;
    private static final Set<String> IMAGE_TYPES = Set.of("image/png", "image/jpeg", "image/webp", "image/gif", "image/bmp");

    /** The attachment could not be used; the message is fit to show the member. */
    public static final class RejectedAttachmentException extends Exception {
        public RejectedAttachmentException(String message) {
            super(message);
        }
    }

    private ImageAttachments() {
    }

    /**
     * Loads ImageIO's plugins (WebP included) now, so the first /imagine with an image does not spend its
     * check budget on it and end up deferred publicly.
     */
    public static void warmUp() {
        ImageIO.getReaderFormatNames();
    }

    /** What is wrong with an attachment judging from its metadata alone (no download). */
    public static Optional<String> problem(String option, Message.Attachment attachment) {
        if (attachment.getSize() > MAX_BYTES) {
            return Optional.of("The " + option + " attachment is " + megabytes(attachment.getSize())
                    + " MiB; at most " + megabytes(MAX_BYTES) + " MiB is accepted.");
        }
        String type = attachment.getContentType();
        if (type == null || !IMAGE_TYPES.contains(type.toLowerCase().split(";")[0].trim())) {
            return Optional.of("The " + option + " attachment `" + attachment.getFileName()
                    + "` is not an image (PNG, JPEG or WebP).");
        }
        return Optional.empty();
    }

    /** Downloads the attachment and makes sure it is an image within the engine's pixel limit. */
    public static byte[] download(String option, Message.Attachment attachment) throws RejectedAttachmentException {
        byte[] bytes;
        try (InputStream in = attachment.getProxy().download().get(30, TimeUnit.SECONDS)) {
            bytes = in.readNBytes((int) MAX_BYTES + 1);
        } catch (IOException | ExecutionException | TimeoutException e) {
            throw new RejectedAttachmentException("The " + option + " attachment could not be downloaded; please try again.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RejectedAttachmentException("The " + option + " attachment could not be downloaded.");
        }
        if (bytes.length > MAX_BYTES) {
            throw new RejectedAttachmentException("The " + option + " attachment is larger than "
                    + megabytes(MAX_BYTES) + " MiB.");
        }
        ImageCodec.ImageInfo info;
        try {
            info = ImageCodec.inspect(bytes);
        } catch (InvalidRequestException e) {
            throw new RejectedAttachmentException("The " + option + " attachment is not an image I can read ("
                    + e.getMessage() + ").");
        }
        if (info.pixels() > ImageCodec.MAX_INPUT_PIXELS) {
            throw new RejectedAttachmentException(String.format(Locale.ROOT,
                    "The %s attachment is %dx%d (%.1f megapixels); at most %.1f megapixels is accepted: scale it down.",
                    option, info.width(), info.height(), info.pixels() / 1e6, ImageCodec.MAX_INPUT_PIXELS / 1e6));
        }
        return bytes;
    }

    private static String megabytes(long bytes) {
        return String.format("%.1f", bytes / 1024.0 / 1024.0);
    }
}
