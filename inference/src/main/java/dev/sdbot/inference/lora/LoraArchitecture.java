package dev.sdbot.inference.lora;

import dev.sdbot.inference.api.ModelFamily;
import dev.sdbot.inference.weights.SafetensorsFile;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The model family a kohya LoRA is for, told from its tensor names alone (the header; no weights read). SDXL
 * LoRAs name two text encoders ({@code lora_te1_}, {@code lora_te2_}) or the SGM UNet ({@code lora_unet_input_blocks_},
 * {@code lora_unet_label_emb}...); SD 1.x and 2.x LoRAs share one layout ({@code lora_te_}, diffusers UNet blocks)
 * that names cannot tell apart, reported as {@link ModelFamily#SD1} and fitting both. diffusers/peft-named LoRAs are
 * SDXL when they change {@code text_encoder_2}, and otherwise of no family told here (the merge reports a misfit).
 */
public final class LoraArchitecture {
    private static final List<String> SDXL_PREFIXES = List.of("lora_te1_", "lora_te2_", "lora_unet_input_blocks_",
            "lora_unet_middle_block_", "lora_unet_output_blocks_", "lora_unet_label_emb");
    /** diffusers/peft-named LoRAs say SDXL by naming the second text encoder; their UNet names do not tell. */
    private static final String DIFFUSERS_SDXL = "text_encoder_2.";
    private static final List<String> SD_PREFIXES = List.of("lora_te_", "lora_unet_down_blocks_",
            "lora_unet_mid_block_", "lora_unet_up_blocks_");

    private LoraArchitecture() {
    }

    /** SDXL, SD1 (the SD 1.x/2.x layout), or empty when the names fit neither or the file cannot be read. */
    public static Optional<ModelFamily> of(Path lora) {
        try (SafetensorsFile file = SafetensorsFile.open(lora)) {
            boolean sd = false;
            for (String key : file.keys()) {
                if (SDXL_PREFIXES.stream().anyMatch(key::startsWith) || key.contains(DIFFUSERS_SDXL)) {
                    return Optional.of(ModelFamily.SDXL);
                }
                sd |= SD_PREFIXES.stream().anyMatch(key::startsWith);
            }
            return sd ? Optional.of(ModelFamily.SD1) : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty(); // generating with it reports why it does not load
        }
    }
}
