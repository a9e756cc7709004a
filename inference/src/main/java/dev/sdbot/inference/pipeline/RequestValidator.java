package dev.sdbot.inference.pipeline;

import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.HiresFix;
import dev.sdbot.inference.api.InvalidRequestException;
import dev.sdbot.inference.text.ComposablePrompts;
import dev.sdbot.inference.text.PromptAttention;

import java.util.Set;

/**
 * The checks a request must pass before any model is loaded; each failure says what to change. The bounds are
 * {@link GenerationRequest}'s, shared with the job service's checks before queueing.
 */
final class RequestValidator {

    private RequestValidator() {
    }

    static void validate(GenerationRequest r, Set<String> models) throws InvalidRequestException {
        checkSide("width", r.width());
        checkSide("height", r.height());
        if (r.steps() < 1 || r.steps() > GenerationRequest.MAX_STEPS) {
            throw new InvalidRequestException("steps must be between 1 and " + GenerationRequest.MAX_STEPS + ", got " + r.steps());
        }
        if (!(r.cfgScale() >= GenerationRequest.MIN_CFG && r.cfgScale() <= GenerationRequest.MAX_CFG)) {
            throw new InvalidRequestException("cfg scale must be between 1 and 30, got " + r.cfgScale());
        }
        if (r.count() < 1 || r.count() > GenerationRequest.MAX_COUNT) {
            throw new InvalidRequestException("count must be between 1 and " + GenerationRequest.MAX_COUNT + ", got " + r.count());
        }
        if (r.clipSkip() < 1) {
            throw new InvalidRequestException("clip skip must be at least 1, got " + r.clipSkip());
        }
        checkHires(r);
        checkSyntax("prompt", r.prompt());
        try {
            ComposablePrompts.refuseAnd(r.prompt());
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(e.getMessage());
        }
        checkSyntax("negative prompt", r.negativePrompt());
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

    static void checkHires(GenerationRequest r) throws InvalidRequestException {
        String problem = HiresFix.problem(r);
        if (problem != null) {
            throw new InvalidRequestException(problem);
        }
    }

    /** A1111 attention syntax; unbalanced brackets are accepted as A1111 accepts them, bad weights are not. */
    private static void checkSyntax(String what, String text) throws InvalidRequestException {
        try {
            PromptAttention.parse(text == null ? "" : text);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(what + ": " + e.getMessage());
        }
    }

    private static void checkSide(String name, int value) throws InvalidRequestException {
        if (value <= 0 || value % 8 != 0 || value > GenerationRequest.MAX_SIDE) {
            throw new InvalidRequestException(name + " must be a multiple of 8 between 8 and " + GenerationRequest.MAX_SIDE
                    + ", got " + value);
        }
    }
}
