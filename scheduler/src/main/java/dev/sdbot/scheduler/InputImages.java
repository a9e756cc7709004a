package dev.sdbot.scheduler;

import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.InvalidRequestException;
import dev.sdbot.inference.image.ImageCodec;
import dev.sdbot.inference.image.Masks;

/**
 * The engine's rules for img2img and inpainting input bytes, checked before a job is queued (after the request's
 * {@link GenerationRequest#problems()}): the images are readable, within the engine's pixel limit (from their headers
 * alone, nothing is decoded) and the mask fits the image.
 */
final class InputImages {
    private InputImages() {
    }

    static void validate(GenerationRequest r) {
        if (r.initImage() == null) {
            return;
        }
        ImageCodec.ImageInfo image = header("image", r.initImage());
        if (r.maskImage() != null) {
            ImageCodec.ImageInfo mask = header("mask", r.maskImage());
            try {
                Masks.checkMatches(mask.width(), mask.height(), image.width(), image.height());
            } catch (InvalidRequestException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
    }

    /** The image's header if it is readable and within the engine's pixel limit; nothing is decoded. */
    private static ImageCodec.ImageInfo header(String which, byte[] data) {
        try {
            ImageCodec.ImageInfo info = ImageCodec.inspect(data);
            ImageCodec.checkPixels(info);
            return info;
        } catch (InvalidRequestException e) {
            throw new IllegalArgumentException(which + ": " + e.getMessage(), e);
        }
    }
}
