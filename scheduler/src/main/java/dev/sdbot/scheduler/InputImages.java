package dev.sdbot.scheduler;

import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.InvalidRequestException;
import dev.sdbot.inference.image.ImageCodec;
import dev.sdbot.inference.image.Masks;
import dev.sdbot.inference.pipeline.StableDiffusionPipeline;

/**
 * The engine's rules for img2img and inpainting inputs, checked before a job is queued: the images are
 * readable, within the engine's pixel limit (from their headers alone, nothing is decoded), the mask fits the
 * image, and the strength leaves at least one denoising step.
 */
final class InputImages {
    private InputImages() {
    }

    static void validate(GenerationRequest r) {
        if (r.maskImage() != null && r.initImage() == null) {
            throw new IllegalArgumentException("a mask needs an image to paint into");
        }
        if (r.initImage() == null) {
            return;
        }
        if (StableDiffusionPipeline.startIndex(r.steps(), r.strength()) >= r.steps()) {
            throw new IllegalArgumentException("strength " + r.strength() + " with " + r.steps()
                    + " steps leaves no denoising step; raise the strength (at least " + minimumStrength(r.steps())
                    + " at " + r.steps() + " steps) or the steps");
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

    /** The smallest strength (two decimals) that leaves one denoising step at this many steps. */
    static String minimumStrength(int steps) {
        return String.format(java.util.Locale.ROOT, "%.2f", Math.ceil(100.0 / steps) / 100);
    }
}
