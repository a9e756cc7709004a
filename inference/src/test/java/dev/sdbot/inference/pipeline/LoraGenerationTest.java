package dev.sdbot.inference.pipeline;

import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.InvalidRequestException;
import dev.sdbot.inference.api.Sampler;
import dev.sdbot.inference.image.GenerationParameters;
import dev.sdbot.inference.image.ImageCodec;
import dev.sdbot.inference.weights.BadCheckpointTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code <lora:...>} in a prompt, through the engine's entry point. */
class LoraGenerationTest {
    private static final String PLAIN = "a red apple";
    @TempDir
    static Path models;
    private static DiffusionGenerator generator;

    @BeforeAll
    static void open() throws Exception {
        Files.createSymbolicLink(models.resolve("mini-sd15"), Fixtures.LDM.resolve("mini-sd15"));
        Files.createSymbolicLink(models.resolve("mini-sd21v"), Fixtures.LDM.resolve("mini-sd21v"));
        Path lora = Files.createDirectories(models.resolve("lora"));
        Files.createSymbolicLink(lora.resolve("detail.safetensors"), Fixtures.LDM.resolve("mini-sd15-lora.safetensors"));
        Map<String, long[]> xl = new LinkedHashMap<>();
        xl.put("lora_te1_text_model_encoder_layers_0_self_attn_q_proj.lora_down.weight", new long[] {4, 32});
        xl.put("lora_te1_text_model_encoder_layers_0_self_attn_q_proj.lora_up.weight", new long[] {32, 4});
        xl.put("lora_te2_text_model_encoder_layers_0_self_attn_q_proj.lora_down.weight", new long[] {4, 64});
        xl.put("lora_te2_text_model_encoder_layers_0_self_attn_q_proj.lora_up.weight", new long[] {64, 4});
        BadCheckpointTest.writeSafetensors(lora.resolve("xl-style.safetensors"), xl);
        Path peft = Path.of("src/test/resources/lora-peft").toAbsolutePath();
        Files.createSymbolicLink(lora.resolve("peft-folder"), peft.resolve("peft-folder"));
        Files.createSymbolicLink(lora.resolve("peft-folder-twin.safetensors"), peft.resolve("peft-folder-kohya-twin.safetensors"));
        Files.createSymbolicLink(lora.resolve("diffusers-peft.safetensors"), peft.resolve("diffusers-metadata.safetensors"));
        Files.createSymbolicLink(lora.resolve("diffusers-peft-twin.safetensors"),
                peft.resolve("diffusers-metadata-kohya-twin.safetensors"));
        generator = new DiffusionGenerator(models, 8);
    }

    @AfterAll
    static void close() {
        generator.close();
    }

    private static GenerationRequest request(String prompt, String model) {
        return new GenerationRequest(prompt, "blurry", model, Sampler.EULER, 2, 7.0, 64, 64, 7L, 1, null, 0.75, null, 1);
    }

    private static byte[] png(DiffusionGenerator g, String prompt) throws Exception {
        return g.generate(request(prompt, "mini-sd15"), p -> { }).images().get(0).png();
    }

    private static boolean samePixels(byte[] a, byte[] b) throws Exception {
        return Arrays.equals(ImageCodec.decode(a).pixels(), ImageCodec.decode(b).pixels());
    }

    @Test
    void loraChangesOnlyItsOwnJobAndTheInfotextKeepsTheTagAndHash() throws Exception {
        byte[] fresh;
        try (DiffusionGenerator other = new DiffusionGenerator(models, 8)) {
            fresh = png(other, PLAIN);
        }
        byte[] before = png(generator, PLAIN);
        String typed = "<lora:detail:0.8> a red apple";
        byte[] withLora = png(generator, typed);
        byte[] after = png(generator, PLAIN);

        assertThat(Arrays.equals(before, fresh)).isTrue();
        assertThat(samePixels(withLora, fresh)).isFalse();
        assertThat(Arrays.equals(after, fresh)).as("the next job without the tag is bit-identical to a fresh model")
                .isTrue();
        assertThat(generator.loadedModels()).containsExactly("mini-sd15");

        GenerationParameters p = GenerationParameters.fromPng(withLora);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(Fixtures.LDM.resolve("mini-sd15-lora.safetensors"))));
        assertThat(p.prompt()).isEqualTo(typed);
        assertThat(p.loraHashes()).isEqualTo("detail: " + sha.substring(0, 12));
        assertThat(new String(withLora, java.nio.charset.StandardCharsets.ISO_8859_1))
                .contains("Lora hashes: \"detail: " + sha.substring(0, 12) + "\"");
        assertThat(GenerationParameters.fromPng(after).loraHashes()).isNull();
    }

    @Test
    void theTagEqualsTheSameWeightAsSeparateTextAndUNetWeights() throws Exception {
        assertThat(samePixels(png(generator, "<lora:detail:0.5:0.5> a red apple"),
                png(generator, "<lora:detail:0.5> a red apple"))).isTrue();
        assertThat(samePixels(png(generator, "<lora:detail:0.5:0> a red apple"),
                png(generator, "<lora:detail:0.5> a red apple"))).isFalse();
    }

    /**
     * peft LoRAs with alpha != rank (a peft save_pretrained folder, a diffusers file with lora_adapter_metadata) give
     * the image of their kohya twins, whose .alpha tensors hold the scale peft computes (make_peft_loras.py). Before
     * peft configs were read, both ran at alpha = rank and differed.
     */
    @Test
    void peftLorasScaledByTheirConfigGiveTheImageOfTheirKohyaTwins() throws Exception {
        byte[] plain = png(generator, PLAIN);
        for (String name : new String[] {"peft-folder", "diffusers-peft"}) {
            byte[] peft = png(generator, "<lora:" + name + ":0.8> " + PLAIN);
            assertThat(samePixels(peft, plain)).as(name).isFalse();
            byte[] a = ImageCodec.decode(peft).pixels();
            byte[] b = ImageCodec.decode(png(generator, "<lora:" + name + "-twin:0.8> " + PLAIN)).pixels();
            // the twin's scale is the same number computed another way: at most an ulp apart, so at most 1 of 255
            for (int i = 0; i < a.length; i++) {
                assertThat(Math.abs((a[i] & 0xff) - (b[i] & 0xff))).as(name).isLessThanOrEqualTo(1);
            }
        }
    }

    @Test
    void unknownLoraIsRefusedNamingTheAvailableOnes() {
        assertThatThrownBy(() -> png(generator, "<lora:nope:1> x")).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("unknown LoRA 'nope'").hasMessageContaining("detail, diffusers-peft, diffusers-peft-twin, peft-folder, peft-folder-twin, xl-style");
        assertThatThrownBy(() -> png(generator, "<lora:detail:much> x")).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("'much' is not a number");
    }

    @Test
    void loraOfAnotherArchitectureIsAnInvalidRequestNamingLoraAndModel() {
        assertThatThrownBy(() -> png(generator, "<lora:xl-style> x")).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("LoRA 'xl-style' does not fit model 'mini-sd15'")
                .hasMessageContaining("lora_te");
        assertThatThrownBy(() -> generator.generate(request("<lora:detail> x", "mini-sd21v"), p -> { }))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("LoRA 'detail' does not fit model 'mini-sd21v'");
        assertThat(generator.loadedModels()).doesNotContain("mini-sd21v");
    }
}
