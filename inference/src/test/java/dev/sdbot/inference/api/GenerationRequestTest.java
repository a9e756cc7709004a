package dev.sdbot.inference.api;

import org.junit.jupiter.api.Test;

import java.lang.reflect.RecordComponent;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The builder and withers change one value and keep every other; {@link GenerationRequest#problems()} per rule. */
class GenerationRequestTest {
    private static final byte[] IMAGE = {1, 2, 3};
    private static final byte[] MASK = {4, 5};
    private static final GenerationRequest FULL = new GenerationRequest("a cat", "blurry", "m", Sampler.DDIM, 9, 6.5,
            320, 448, 42L, 3, null, 0.6, null, 2, new HiresFix(2, HiresUpscaler.LANCZOS, 5, 0.45));

    @Test
    void aRoundTripThroughTheBuilderKeepsEveryValue() {
        assertThat(FULL.toBuilder().build()).usingRecursiveComparison().isEqualTo(FULL);
        GenerationRequest img2img = FULL.toBuilder().hires(null).images(IMAGE, MASK).build();
        assertThat(img2img.toBuilder().build()).usingRecursiveComparison().isEqualTo(img2img);
    }

    @Test
    void eachWitherChangesOnlyItsValue() {
        assertOnlyChanged(r -> r.withNegativePrompt("lowres, fog"), "negativePrompt");
        assertOnlyChanged(r -> r.withPrompt("a dog"), "prompt");
        assertOnlyChanged(r -> r.withSeed(7L), "seed");
        assertOnlyChanged(r -> r.withHires(null), "hires");
        assertOnlyChanged(r -> r.toBuilder().size(64, 64).build(), "width", "height");
        assertOnlyChanged(r -> r.toBuilder().count(1).build(), "count");
    }

    private static void assertOnlyChanged(UnaryOperator<GenerationRequest> change, String... changed) {
        GenerationRequest after = change.apply(FULL);
        for (RecordComponent c : GenerationRequest.class.getRecordComponents()) {
            if (!java.util.List.of(changed).contains(c.getName())) {
                assertThat(value(after, c)).as(c.getName()).isEqualTo(value(FULL, c));
            }
        }
    }

    private static Object value(GenerationRequest r, RecordComponent c) {
        try {
            return c.getAccessor().invoke(r);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void problemsNameEachBrokenRule() {
        GenerationRequest ok = GenerationRequest.builder("a cat", "m").size(64, 64).build();
        assertThat(ok.problems()).isEmpty();
        assertThat(ok.withPrompt(" ").problems()).containsExactly("the prompt is empty");
        assertThat(ok.withPrompt("?!").problems()).containsExactly("the prompt has no words, only punctuation or symbols");
        assertThat(ok.withPrompt("a".repeat(2001)).problems()).containsExactly("the prompt is 2001 characters, at most 2000 allowed");
        assertThat(ok.withNegativePrompt("a".repeat(2001)).problems())
                .containsExactly("the negative prompt is 2001 characters, at most 2000 allowed");
        assertThat(ok.withPrompt("a (cat:1.2.3)").problems()).singleElement().asString().startsWith("prompt: '1.2.3' is not a number");
        assertThat(ok.withNegativePrompt("(x:y:1.2.3)").problems()).singleElement().asString().startsWith("negative prompt: ");
        assertThat(ok.withPrompt("a <lora:x:lots>").problems()).singleElement().asString()
                .startsWith("prompt: malformed LoRA tag <lora:x:lots>");
        assertThat(ok.toBuilder().model(" ").build().problems()).containsExactly("the model must be named");
        assertThat(ok.toBuilder().size(65, 64).build().problems())
                .containsExactly("width and height must be multiples of 8 between 8 and 2048, got 65x64");
        assertThat(ok.toBuilder().size(64, 2056).build().problems()).hasSize(1);
        assertThat(ok.toBuilder().steps(0).build().problems()).containsExactly("steps must be between 1 and 150, got 0");
        assertThat(ok.toBuilder().steps(151).build().problems()).containsExactly("steps must be between 1 and 150, got 151");
        assertThat(ok.toBuilder().cfgScale(0.5).build().problems()).containsExactly("CFG scale must be between 1 and 30, got 0.5");
        assertThat(ok.toBuilder().cfgScale(Double.NaN).build().problems()).hasSize(1);
        assertThat(ok.toBuilder().count(5).build().problems()).containsExactly("images per request must be between 1 and 4, got 5");
        assertThat(ok.toBuilder().clipSkip(0).build().problems()).containsExactly("clip skip must be between 1 and 12, got 0");
        assertThat(ok.toBuilder().clipSkip(13).build().problems()).containsExactly("clip skip must be between 1 and 12, got 13");
        assertThat(ok.toBuilder().strength(1.5).build().problems()).containsExactly("strength must be between 0 and 1, got 1.5");
        assertThat(ok.toBuilder().images(null, MASK).build().problems()).containsExactly("a mask needs an image to paint into");
        assertThat(ok.toBuilder().steps(4).images(IMAGE, null).strength(0.1).build().problems())
                .as("A1111 runs one step at any strength").isEmpty();
        assertThat(ok.withHires(new HiresFix(5, HiresUpscaler.LATENT, 0, 0.5)).problems())
                .containsExactly("hires scale must be above 1 and at most 4, got 5.0");
        assertThat(ok.toBuilder().steps(0).count(9).build().problems()).as("every problem, not the first").hasSize(2);
    }

    /** An upscale job has no prompt or steps to check: its image, its size and its upscaler's name. */
    @Test
    void upscaleJobsAreCheckedForWhatTheyUse() {
        assertThat(GenerationRequest.upscale(IMAGE, "4x-sharp", 128, 128, "").problems()).isEmpty();
        assertThat(GenerationRequest.upscale(null, "4x-sharp", 128, 128, "").problems())
                .containsExactly("an upscale needs the image to enlarge");
        assertThat(GenerationRequest.upscale(IMAGE, " ", 128, 128, "").problems())
                .containsExactly("the upscaler must be named (at most 100 characters)");
        assertThat(GenerationRequest.upscale(IMAGE, "4x-sharp", 4096, 128, "").problems())
                .containsExactly("width and height must be multiples of 8 between 8 and 2048, got 4096x128");
        assertThat(GenerationRequest.upscale(IMAGE, "4x-sharp", 128, 128, "").toBuilder().count(2).build().problems())
                .containsExactly("an upscale enlarges one image: no mask, hires fix or count");
    }

    /** A1111's built-in hires upscalers by id or name; any other name is an upscaler network's. */
    @Test
    void hiresUpscalersByNameOrNetwork() {
        assertThat(HiresUpscaler.fromId("Latent (bicubic)")).isEqualTo(HiresUpscaler.LATENT_BICUBIC);
        assertThat(HiresUpscaler.fromId("LANCZOS")).isEqualTo(HiresUpscaler.LANCZOS);
        HiresUpscaler net = HiresUpscaler.fromId(" 4x-UltraSharp ");
        assertThat(net.isModel()).isTrue();
        assertThat(net.id()).isEqualTo("4x-UltraSharp");
        assertThat(net.displayName()).isEqualTo("4x-UltraSharp");
        assertThat(net.latent()).isFalse();
        assertThatThrownBy(() -> HiresUpscaler.fromId("")).hasMessageContaining("latent, latent-bicubic, latent-nearest, lanczos");
    }
}
