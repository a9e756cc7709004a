package dev.sdbot.inference.pipeline;

import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.InvalidRequestException;
import dev.sdbot.inference.image.GrayImage;
import dev.sdbot.inference.image.ImageCodec;
import dev.sdbot.inference.image.ImageResize;
import dev.sdbot.inference.image.Masks;
import dev.sdbot.inference.image.RgbImage;

/** A request's init image and mask, decoded, checked and stretched to its size; null where the request has none. */
record InitImages(RgbImage init, GrayImage mask) {
    static InitImages of(GenerationRequest request) throws InvalidRequestException {
        if (request.initImage() == null) {
            return new InitImages(null, null);
        }
        RgbImage decoded = ImageCodec.decode(request.initImage());
        GrayImage mask = null;
        if (request.maskImage() != null) {
            GrayImage decodedMask = ImageCodec.decodeMask(request.maskImage());
            Masks.checkMatches(decodedMask, decoded);
            if (!Masks.hasRepaintArea(decodedMask)) {
                throw new InvalidRequestException("the mask is all black: nothing to repaint (white marks what to repaint)");
            }
            mask = ImageResize.fit(decodedMask, request.width(), request.height(), ImageResize.Mode.STRETCH);
        }
        return new InitImages(ImageResize.fit(decoded, request.width(), request.height(), ImageResize.Mode.STRETCH), mask);
    }
}
