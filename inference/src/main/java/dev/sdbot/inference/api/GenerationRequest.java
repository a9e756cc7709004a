package dev.sdbot.inference.api;

import dev.sdbot.inference.text.ParsedPrompt;
import dev.sdbot.inference.text.PromptSchedules;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Everything needed to generate images, as plain values. Crosses module boundaries
 * (bot → scheduler → worker → engine), so it carries no JDA, DJL or Hibernate types.
 *
 * @param prompt         positive prompt
 * @param negativePrompt negative prompt ("" for none)
 * @param model          model name as installed (a key of the worker's model directory)
 * @param sampler        sampler id, see {@link Sampler}
 * @param steps          denoising steps (1..150)
 * @param cfgScale       classifier-free guidance scale (1..30)
 * @param width          multiple of 8
 * @param height         multiple of 8
 * @param seed           seed of the first image, image i uses seed + i; null = pick a random one
 * @param count          images per request (1..4)
 * @param initImage      encoded image (PNG/JPEG) for img2img/inpainting, or null
 * @param strength       img2img strength 0..1 (used only with initImage)
 * @param maskImage      encoded mask image (white = repaint) for inpainting, or null
 * @param clipSkip       1 = last CLIP layer, 2 = penultimate, ...
 * @param hires          a hires fix of a txt2img request, or null
 * @param controls       the ControlNet units guiding a txt2img request (A1111's units; none: empty)
 * @param upscaler       for an upscale job ({@link #upscale}): the ESRGAN-family upscaler that enlarges
 *                       {@code initImage} to width x height, with no diffusion at all; null for every other request
 * @param variationSeed  A1111's "Variation seed" (subseed) of the first image, image i uses variationSeed + i and all
 *                       images then share {@code seed}; null = pick a random one when {@code variationStrength} > 0
 * @param variationStrength A1111's "Variation seed strength" 0..1: how far the start noise moves from the seed's
 *                       towards the variation seed's (0 = no variation, the variation seed is then ignored)
 */
public record GenerationRequest(
        String prompt,
        String negativePrompt,
        String model,
        Sampler sampler,
        int steps,
        double cfgScale,
        int width,
        int height,
        Long seed,
        int count,
        byte[] initImage,
        double strength,
        byte[] maskImage,
        int clipSkip,
        HiresFix hires,
        List<ControlNetUnit> controls,
        String upscaler,
        Long variationSeed,
        double variationStrength) {
    /** Bounds of a valid request, see {@link #problems()}. */
    public static final int MAX_SIDE = 2048;
    public static final int MAX_STEPS = 150;
    public static final double MIN_CFG = 1;
    public static final double MAX_CFG = 30;
    public static final int MAX_COUNT = 4;
    public static final int MAX_CLIP_SKIP = 12;
    public static final int MAX_PROMPT_LENGTH = 2000;
    /** ControlNet units per request (A1111's default "Multi-ControlNet: ControlNet unit number"). */
    public static final int MAX_CONTROLS = 3;
    /** Variation seeds are A1111's seed range, [0, 2^32). */
    public static final long MAX_VARIATION_SEED = (1L << 32) - 1;

    public GenerationRequest {
        Objects.requireNonNull(prompt, "prompt");
        negativePrompt = negativePrompt == null ? "" : negativePrompt;
        Objects.requireNonNull(sampler, "sampler");
        controls = controls == null ? List.of() : List.copyOf(controls);
    }

    /** A request without variation seed. */
    public GenerationRequest(String prompt, String negativePrompt, String model, Sampler sampler, int steps,
                             double cfgScale, int width, int height, Long seed, int count, byte[] initImage,
                             double strength, byte[] maskImage, int clipSkip, HiresFix hires,
                             List<ControlNetUnit> controls, String upscaler) {
        this(prompt, negativePrompt, model, sampler, steps, cfgScale, width, height, seed, count, initImage, strength,
                maskImage, clipSkip, hires, controls, upscaler, null, 0);
    }

    /** A request that is no upscale job. */
    public GenerationRequest(String prompt, String negativePrompt, String model, Sampler sampler, int steps,
                             double cfgScale, int width, int height, Long seed, int count, byte[] initImage,
                             double strength, byte[] maskImage, int clipSkip, HiresFix hires,
                             List<ControlNetUnit> controls) {
        this(prompt, negativePrompt, model, sampler, steps, cfgScale, width, height, seed, count, initImage, strength,
                maskImage, clipSkip, hires, controls, null);
    }

    /** A request without ControlNets that is no upscale job. */
    public GenerationRequest(String prompt, String negativePrompt, String model, Sampler sampler, int steps,
                             double cfgScale, int width, int height, Long seed, int count, byte[] initImage,
                             double strength, byte[] maskImage, int clipSkip, HiresFix hires) {
        this(prompt, negativePrompt, model, sampler, steps, cfgScale, width, height, seed, count, initImage, strength,
                maskImage, clipSkip, hires, List.of());
    }

    /** A request without hires fix. */
    public GenerationRequest(String prompt, String negativePrompt, String model, Sampler sampler, int steps,
                             double cfgScale, int width, int height, Long seed, int count, byte[] initImage,
                             double strength, byte[] maskImage, int clipSkip) {
        this(prompt, negativePrompt, model, sampler, steps, cfgScale, width, height, seed, count, initImage, strength,
                maskImage, clipSkip, null);
    }

    /** The same request guided by these ControlNet units (empty: none). */
    public GenerationRequest withControls(List<ControlNetUnit> units) {
        return toBuilder().controls(units).build();
    }

    /** A builder holding this request's values: change what you need, keep the rest. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** A request of {@code prompt} on {@code model} with the usual defaults (Euler a, 20 steps, CFG 7, 512x512). */
    public static Builder builder(String prompt, String model) {
        return new Builder(txt2img(prompt, model, 512, 512, null));
    }

    public GenerationRequest withPrompt(String text) {
        return toBuilder().prompt(text).build();
    }

    public GenerationRequest withNegativePrompt(String text) {
        return toBuilder().negativePrompt(text).build();
    }

    public GenerationRequest withSeed(Long value) {
        return toBuilder().seed(value).build();
    }

    /** The same request with A1111's variation seed and strength (strength 0: none). */
    public GenerationRequest withVariation(Long variation, double variationStrengthValue) {
        return toBuilder().variation(variation, variationStrengthValue).build();
    }

    /** Whether the start noise is a variation (A1111: subseed strength not 0). */
    public boolean hasVariation() {
        return variationStrength != 0;
    }

    /**
     * A1111's seed of image {@code index} of a request whose first image has {@code firstSeed}: seed + index, but the
     * same seed for every image of a variation (only the variation seed then counts up).
     */
    public long imageSeed(long firstSeed, int index) {
        return hasVariation() ? firstSeed : firstSeed + index;
    }

    /** The same request with a hires fix (null for none). */
    public GenerationRequest withHires(HiresFix fix) {
        return toBuilder().hires(fix).build();
    }

    /**
     * The names of the prompt's {@code <lora:NAME:weight>} tags, in prompt order, as the engine reads them.
     *
     * @throws IllegalArgumentException for a malformed tag (a request that passed {@link #problems()} has none)
     */
    public List<String> loraNames() {
        return ParsedPrompt.of(prompt).loraNames();
    }

    /**
     * The textual-inversion embeddings of {@code available} that the prompt or negative prompt use, in every text the
     * engine may encode (each prompt-editing branch, the hires pass's included), as the engine finds them.
     *
     * @throws IllegalArgumentException for a malformed LoRA tag or attention weight
     */
    public Set<String> embeddingNames(Collection<String> available) {
        Set<String> used = new LinkedHashSet<>();
        if (available.isEmpty()) {
            return used;
        }
        int hiresSteps = hires == null ? 0 : hires.steps(steps);
        for (String text : List.of(ParsedPrompt.of(prompt).text(), negativePrompt)) {
            for (String branch : PromptSchedules.texts(text, steps, hiresSteps)) {
                used.addAll(ParsedPrompt.attention(branch).embeddings(available));
            }
        }
        return used;
    }

    /**
     * What is wrong with this request, one user-facing sentence per problem (empty when it is valid): the one set of
     * rules the bot, the CLI, the job service and the engine all apply. Model-specific limits (installed models,
     * a model's largest clip skip) are the engine's to add.
     */
    public List<String> problems() {
        return RequestProblems.of(this);
    }

    /** Width of the images produced: the hires target when there is a hires fix. */
    public int outputWidth() {
        return hires == null ? width : hires.width(width);
    }

    public int outputHeight() {
        return hires == null ? height : hires.height(height);
    }

    /**
     * An upscale job: {@code image} enlarged to {@code width} x {@code height} by the ESRGAN-family {@code upscaler}
     * (as A1111's Extras tab), then safety-checked like every result. No prompt and one step (what quotas count).
     *
     * @param model the model of the image's own job when there is one (its safety checker may judge the result), or ""
     */
    public static GenerationRequest upscale(byte[] image, String upscaler, int width, int height, String model) {
        return new GenerationRequest("", "", model, Sampler.EULER_A, 1, 7.0, width, height, null, 1, image, 0, null, 1,
                null, List.of(), upscaler);
    }

    public boolean isUpscale() {
        return upscaler != null;
    }

    /** A plain text-to-image request with the usual defaults. */
    public static GenerationRequest txt2img(String prompt, String model, int width, int height, Long seed) {
        return new GenerationRequest(prompt, "", model, Sampler.EULER_A, 20, 7.0, width, height, seed, 1,
                null, 0.75, null, 1);
    }

    public boolean isImg2Img() {
        return initImage != null;
    }

    public boolean isInpainting() {
        return initImage != null && maskImage != null;
    }

    /** Pixels produced: the output size (hires target included) times the count. */
    public long pixels() {
        return (long) outputWidth() * outputHeight() * count;
    }

    /** Changes some values of a request and keeps all the others; {@link #build()} makes the new request. */
    public static final class Builder {
        private String prompt;
        private String negativePrompt;
        private String model;
        private Sampler sampler;
        private int steps;
        private double cfgScale;
        private int width;
        private int height;
        private Long seed;
        private int count;
        private byte[] initImage;
        private double strength;
        private byte[] maskImage;
        private int clipSkip;
        private HiresFix hires;
        private List<ControlNetUnit> controls;
        private String upscaler;
        private Long variationSeed;
        private double variationStrength;

        private Builder(GenerationRequest r) {
            prompt = r.prompt;
            negativePrompt = r.negativePrompt;
            model = r.model;
            sampler = r.sampler;
            steps = r.steps;
            cfgScale = r.cfgScale;
            width = r.width;
            height = r.height;
            seed = r.seed;
            count = r.count;
            initImage = r.initImage;
            strength = r.strength;
            maskImage = r.maskImage;
            clipSkip = r.clipSkip;
            hires = r.hires;
            controls = r.controls;
            upscaler = r.upscaler;
            variationSeed = r.variationSeed;
            variationStrength = r.variationStrength;
        }

        public Builder prompt(String value) {
            prompt = value;
            return this;
        }

        public Builder negativePrompt(String value) {
            negativePrompt = value;
            return this;
        }

        public Builder model(String value) {
            model = value;
            return this;
        }

        public Builder sampler(Sampler value) {
            sampler = value;
            return this;
        }

        public Builder steps(int value) {
            steps = value;
            return this;
        }

        public Builder cfgScale(double value) {
            cfgScale = value;
            return this;
        }

        public Builder size(int w, int h) {
            width = w;
            height = h;
            return this;
        }

        public Builder seed(Long value) {
            seed = value;
            return this;
        }

        public Builder count(int value) {
            count = value;
            return this;
        }

        /** Start image and mask for img2img/inpainting (both null for txt2img). */
        public Builder images(byte[] init, byte[] mask) {
            initImage = init;
            maskImage = mask;
            return this;
        }

        public Builder strength(double value) {
            strength = value;
            return this;
        }

        public Builder clipSkip(int value) {
            clipSkip = value;
            return this;
        }

        public Builder hires(HiresFix value) {
            hires = value;
            return this;
        }

        /** ControlNet units (empty: none). */
        public Builder controls(List<ControlNetUnit> value) {
            controls = value;
            return this;
        }

        /** The upscaler of an upscale job; null makes it none. */
        public Builder upscaler(String value) {
            upscaler = value;
            return this;
        }

        /** A1111's variation seed (null: random when the strength is above 0) and its strength (0: none). */
        public Builder variation(Long seedValue, double strengthValue) {
            variationSeed = seedValue;
            variationStrength = strengthValue;
            return this;
        }

        public GenerationRequest build() {
            return new GenerationRequest(prompt, negativePrompt, model, sampler, steps, cfgScale, width, height, seed,
                    count, initImage, strength, maskImage, clipSkip, hires, controls, upscaler, variationSeed,
                    variationStrength);
        }
    }
}
