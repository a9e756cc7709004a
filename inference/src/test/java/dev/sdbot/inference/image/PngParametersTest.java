package dev.sdbot.inference.image;

import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.Sampler;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PngParametersTest {

    private static GenerationParameters params(String prompt, String negative) {
        return new GenerationParameters(prompt, negative, 20, "Euler a", 7.0, 123, 512, 512, null, "name", null, 1);
    }

    @Test
    void infotextHasA1111Format() {
        assertThat(params("prompt", "neg").toInfotext()).isEqualTo(
                "prompt\nNegative prompt: neg\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 123, Size: 512x512, Model: name");
        assertThat(params("prompt", "").toInfotext()).isEqualTo(
                "prompt\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 123, Size: 512x512, Model: name");
    }

    @Test
    void optionalFieldsAndQuoting() {
        GenerationParameters p = new GenerationParameters("a, b", "", 30, "DPM++ 2M Karras", 7.5, 42, 768, 512,
                "abc1234567", "my model: v2, final", 0.6, 2);
        assertThat(p.toInfotext()).isEqualTo("a, b\nSteps: 30, Sampler: DPM++ 2M Karras, CFG scale: 7.5, Seed: 42, "
                + "Size: 768x512, Model hash: abc1234567, Model: \"my model: v2, final\", Denoising strength: 0.6, Clip skip: 2");
        assertThat(GenerationParameters.parse(p.toInfotext())).isEqualTo(p);
    }

    @Test
    void fromRequest() {
        GenerationRequest r = new GenerationRequest("cat", "dog", "sd15", Sampler.DPMPP_2M, 25, 6.5, 512, 768, 7L, 2,
                new byte[]{1}, 0.75, null, 1);
        GenerationParameters p = GenerationParameters.of(r, 8);
        assertThat(p.toInfotext()).isEqualTo("cat\nNegative prompt: dog\nSteps: 25, Sampler: DPM++ 2M, CFG scale: 6.5, "
                + "Seed: 8, Size: 512x768, Model: sd15, Denoising strength: 0.75, RNG: CPU");
        assertThat(GenerationParameters.parse(p.toInfotext()).rng()).isEqualTo("CPU");
    }

    /** A1111 writes the variation seed of each image and its strength after Model, only when the strength is not 0. */
    @Test
    void variationSeedFieldsAsA1111WritesAndReadsThem() {
        GenerationRequest r = GenerationRequest.builder("cat", "sd15").seed(7L).variation(100L, 0.05).build();
        GenerationParameters p = GenerationParameters.of(r, 7).withVariationSeed(101);
        assertThat(p.toInfotext()).isEqualTo("cat\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 7, Size: 512x512, "
                + "Model: sd15, Variation seed: 101, Variation seed strength: 0.05, RNG: CPU");
        GenerationParameters read = GenerationParameters.parse(p.toInfotext());
        assertThat(read).isEqualTo(p);
        assertThat(read.variationSeed()).isEqualTo(101L);
        assertThat(read.variationStrength()).isEqualTo(0.05);

        GenerationParameters none = GenerationParameters.of(r.withVariation(100L, 0), 7).withVariationSeed(101);
        assertThat(none.toInfotext()).doesNotContain("Variation");
        assertThat(GenerationParameters.parse(none.toInfotext()).variationSeed()).isNull();
    }

    @Test
    void pngCarriesLatin1AsTextAndOtherTextAsItxt() {
        RgbImage image = ImageCodecTest.gradient(8, 8);
        GenerationParameters latin = params("café crème", "blurry\nugly");
        byte[] png = ImageCodec.encodePng(image, Map.of(GenerationParameters.PNG_KEY, latin.toInfotext()));
        assertThat(new String(png, StandardCharsets.ISO_8859_1)).contains("tEXtparameters\0café");
        assertThat(GenerationParameters.fromPng(png)).isEqualTo(latin);

        GenerationParameters japanese = params("日本の城 — castle", "");
        byte[] png2 = ImageCodec.encodePng(image, japanese);
        assertThat(new String(png2, StandardCharsets.ISO_8859_1)).contains("iTXtparameters\0");
        assertThat(GenerationParameters.fromPng(png2)).isEqualTo(japanese);
        assertThat(PngText.read(png2).get("parameters")).startsWith("日本の城 — castle\nSteps: 20");
    }

    @Test
    void parsesA1111OutputWithExtraKeys() {
        String text = "masterpiece, (cat:1.2)\nsecond line\nNegative prompt: lowres\nbad hands\n"
                + "Steps: 28, Sampler: Euler a, CFG scale: 7, Seed: 3977208446, Size: 512x640, Model hash: 7f96a1a9ca, "
                + "Model: anything, Clip skip: 2, ENSD: 31337, Version: v1.6.0";
        GenerationParameters p = GenerationParameters.parse(text);
        assertThat(p.prompt()).isEqualTo("masterpiece, (cat:1.2)\nsecond line");
        assertThat(p.negativePrompt()).isEqualTo("lowres\nbad hands");
        assertThat(p.seed()).isEqualTo(3977208446L);
        assertThat(p.height()).isEqualTo(640);
        assertThat(p.clipSkip()).isEqualTo(2);
        assertThat(p.modelHash()).isEqualTo("7f96a1a9ca");
    }

    @Test
    void readsPillowCompressedChunks() {
        // Pillow's PngInfo.add_text(..., zip=True): compressed iTXt for non-Latin-1, zTXt otherwise, plus a tEXt.
        byte[] png = java.util.Base64.getDecoder().decode("iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAUmlUWHRwYXJhbWV0ZXJz"
                + "AAEAAAB4nHves5oruCS1oNhKwVRHITgxtyAntchKwbUUSOkoOLu5KxQnJ+akWimYA2VTU1OsFAyBjMwqoIiZSYWZCQDA/BP4T9b3kgAAAB16VFh0"
                + "Y29tbWVudAAAeJzLSSzJzFN4qVCSWlECACBJBQdnVT9sAAAAB3RFWHRwbGFpbgB40crGJwAAABZJREFUeJxj5BKRY2BgYGJgYGBgYAAAAuYAQFyl"
                + "IFsAAAAASUVORK5CYII=");
        assertThat(PngText.read(png)).containsExactly(
                Map.entry("parameters", "猫\nSteps: 5, Sampler: Euler, CFG scale: 7, Seed: 1, Size: 64x64"),
                Map.entry("comment", "latin é text"),
                Map.entry("plain", "x"));
        assertThat(GenerationParameters.fromPng(png).prompt()).isEqualTo("猫");
    }

    @Test
    void pngWithoutParametersReadsAsNull() {
        assertThat(GenerationParameters.fromPng(ImageCodec.encodePng(ImageCodecTest.gradient(2, 2)))).isNull();
    }
}
