package dev.sdbot.inference.pipeline;

import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.InvalidRequestException;

import java.util.Set;

/** The checks a request must pass before any model is loaded; each failure says what to change. */
final class RequestValidator {
    static final int MAX_SIDE = 2048;
    static final int MAX_STEPS = 150;
    static final double MIN_CFG = 1;
    static final double MAX_CFG = 30;
    static final int MAX_COUNT = 4;

    private RequestValidator() {
    }

    static void validate(GenerationRequest r, Set<String> models) throws InvalidRequestException {
        checkSide("width", r.width());
        checkSide("height", r.height());
        if (r.steps() < 1 || r.steps() > MAX_STEPS) {
            throw new InvalidRequestException("steps must be between 1 and " + MAX_STEPS + ", got " + r.steps());
        }
        if (!(r.cfgScale() >= MIN_CFG && r.cfgScale() <= MAX_CFG)) {
            throw new InvalidRequestException("cfg scale must be between 1 and 30, got " + r.cfgScale());
        }
        if (r.count() < 1 || r.count() > MAX_COUNT) {
            throw new InvalidRequestException("count must be between 1 and " + MAX_COUNT + ", got " + r.count());
        }
        if (r.clipSkip() < 1) {
            throw new InvalidRequestException("clip skip must be at least 1, got " + r.clipSkip());
        }
        if (r.model() == null || !models.contains(r.model())) {
            throw new InvalidRequestException("unknown model '" + r.model() + "'; available: " + models);
        }
        if (r.maskImage() != null && r.initImage() == null) {
            throw new InvalidRequestException("a mask image needs an init image to repaint");
        }
        if (r.isImg2Img()) {
            if (!(r.strength() > 0 && r.strength() <= 1)) {
                throw new InvalidRequestException("strength must be in (0, 1], got " + r.strength());
            }
            if (StableDiffusionPipeline.startIndex(r.steps(), r.strength()) >= r.steps()) {
                throw new InvalidRequestException("strength " + r.strength() + " with " + r.steps()
                        + " steps leaves no denoising step; raise the strength or the steps");
            }
        }
    }

    private static void checkSide(String name, int value) throws InvalidRequestException {
        if (value <= 0 || value % 8 != 0 || value > MAX_SIDE) {
            throw new InvalidRequestException(name + " must be a multiple of 8 between 8 and " + MAX_SIDE
                    + ", got " + value);
        }
    }
}
