package dev.sdbot.inference.api;

import dev.sdbot.inference.text.ComposablePrompts;
import dev.sdbot.inference.text.ParsedPrompt;

import java.util.ArrayList;
import java.util.List;

/**
 * The rules of {@link GenerationRequest#problems()}: one sentence per broken rule, saying what to change. The only
 * place the request's bounds are checked; the bot, the CLI, the job service and the engine all call it.
 */
final class RequestProblems {
    private final List<String> problems = new ArrayList<>();

    private RequestProblems() {
    }

    static List<String> of(GenerationRequest r) {
        RequestProblems p = new RequestProblems();
        if (r.isUpscale()) {
            p.upscale(r);
            return List.copyOf(p.problems);
        }
        p.prompt(r);
        p.numbers(r);
        p.images(r);
        p.variation(r);
        String hires = HiresFix.problem(r);
        if (hires != null) {
            p.problems.add(hires);
        }
        p.controls(r);
        return List.copyOf(p.problems);
    }

    /** An upscale job runs no diffusion: only its image, its output size and its upscaler's name matter. */
    private void upscale(GenerationRequest r) {
        String name = r.upscaler().strip();
        if (name.isEmpty() || name.length() > HiresUpscaler.MAX_NAME_LENGTH) {
            problems.add("the upscaler must be named (at most " + HiresUpscaler.MAX_NAME_LENGTH + " characters)");
        }
        if (r.initImage() == null) {
            problems.add("an upscale needs the image to enlarge");
        }
        if (r.maskImage() != null || r.hires() != null || r.count() != 1) {
            problems.add("an upscale enlarges one image: no mask, hires fix or count");
        }
        sides(r);
    }

    private void sides(GenerationRequest r) {
        for (int side : new int[] {r.width(), r.height()}) {
            if (side < 8 || side > GenerationRequest.MAX_SIDE || side % 8 != 0) {
                problems.add("width and height must be multiples of 8 between 8 and " + GenerationRequest.MAX_SIDE
                        + ", got " + r.width() + "x" + r.height());
                break;
            }
        }
    }

    private void prompt(GenerationRequest r) {
        if (r.prompt().codePoints().noneMatch(Character::isLetterOrDigit)) {
            problems.add(r.prompt().isBlank() ? "the prompt is empty" : "the prompt has no words, only punctuation or symbols");
        }
        for (String[] field : new String[][] {{"prompt", r.prompt()}, {"negative prompt", r.negativePrompt()}}) {
            if (field[1].length() > GenerationRequest.MAX_PROMPT_LENGTH) {
                problems.add("the " + field[0] + " is " + field[1].length() + " characters, at most "
                        + GenerationRequest.MAX_PROMPT_LENGTH + " allowed");
            }
        }
        syntax("prompt", () -> ParsedPrompt.of(r.prompt()));
        try {
            ComposablePrompts.refuseAnd(r.prompt());
        } catch (IllegalArgumentException e) { // the message names the prompt and says what to write instead
            problems.add(e.getMessage());
        }
        syntax("negative prompt", () -> ParsedPrompt.attention(r.negativePrompt()));
    }

    private void syntax(String field, Runnable parse) {
        try {
            parse.run();
        } catch (IllegalArgumentException e) { // a malformed weight or LoRA tag, named in the message
            problems.add(field + ": " + e.getMessage());
        }
    }

    private void numbers(GenerationRequest r) {
        if (r.model() == null || r.model().isBlank()) {
            problems.add("the model must be named");
        }
        sides(r);
        if (r.steps() < 1 || r.steps() > GenerationRequest.MAX_STEPS) {
            problems.add("steps must be between 1 and " + GenerationRequest.MAX_STEPS + ", got " + r.steps());
        }
        if (r.steps() == 1 && r.sampler().minSteps() > 1) {
            // A1111's DDIM/PLMS schedule at 1 step is the single timestep 1: no model call, the picture would be noise
            problems.add(r.sampler().displayName() + " needs at least " + r.sampler().minSteps()
                    + " steps (at 1 step it makes no model call), got 1");
        }
        int hiresSteps = r.hires() == null ? 0 : r.hires().steps();
        if (r.sampler().maxSteps() < GenerationRequest.MAX_STEPS
                && Math.max(r.steps(), hiresSteps) > r.sampler().maxSteps()) {
            // few-step samplers (LCM) are made for a handful of steps; A1111 caps them too
            problems.add(r.sampler().displayName() + " runs at most " + r.sampler().maxSteps() + " steps, got "
                    + Math.max(r.steps(), hiresSteps));
        }
        if (!(r.cfgScale() >= GenerationRequest.MIN_CFG && r.cfgScale() <= GenerationRequest.MAX_CFG)) { // NaN too
            problems.add("CFG scale must be between " + (int) GenerationRequest.MIN_CFG + " and "
                    + (int) GenerationRequest.MAX_CFG + ", got " + r.cfgScale());
        }
        if (r.count() < 1 || r.count() > GenerationRequest.MAX_COUNT) {
            problems.add("images per request must be between 1 and " + GenerationRequest.MAX_COUNT + ", got " + r.count());
        }
        if (r.clipSkip() < 1 || r.clipSkip() > GenerationRequest.MAX_CLIP_SKIP) {
            problems.add("clip skip must be between 1 and " + GenerationRequest.MAX_CLIP_SKIP + ", got " + r.clipSkip());
        }
    }

    private void images(GenerationRequest r) {
        if (r.maskImage() != null && r.initImage() == null) {
            problems.add("a mask needs an image to paint into");
        }
        if (!(r.strength() >= 0 && r.strength() <= 1)) {
            problems.add("strength must be between 0 and 1, got " + r.strength());
        }
        // any strength runs at least one step, as in A1111 (DenoiseSteps.img2img)
    }

    /**
     * A1111's variation seed: a strength 0..1; a variation seed without strength is ignored and a strength without
     * variation seed draws a random one, as in A1111, so neither needs the other.
     */
    private void variation(GenerationRequest r) {
        if (!(r.variationStrength() >= 0 && r.variationStrength() <= 1)) {
            problems.add("variation strength must be between 0 and 1, got " + r.variationStrength());
        }
        Long seed = r.variationSeed();
        if (seed != null && (seed < 0 || seed > GenerationRequest.MAX_VARIATION_SEED)) {
            problems.add("the variation seed must be between 0 and " + GenerationRequest.MAX_VARIATION_SEED + ", got "
                    + seed);
        }
    }

    private void controls(GenerationRequest r) {
        if (r.controls().isEmpty()) {
            return;
        }
        if (r.controls().size() > GenerationRequest.MAX_CONTROLS) {
            problems.add("at most " + GenerationRequest.MAX_CONTROLS + " ControlNets per request, got "
                    + r.controls().size());
        }
        if (r.isImg2Img() || r.hires() != null) {
            problems.add("ControlNet works with txt2img only (no init image, no hires fix)");
        }
        for (int i = 0; i < r.controls().size(); i++) {
            String problem = r.controls().get(i).problem();
            if (problem != null) {
                problems.add(r.controls().size() == 1 ? problem : "ControlNet " + i + ": " + problem);
            }
        }
    }
}
