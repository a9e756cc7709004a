package dev.sdbot.inference.weights;

import dev.sdbot.inference.nn.Weights;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The model weight each LoRA module changes, in the engine's (diffusers) names, whatever naming the LoRA uses:
 * <ul>
 * <li>kohya: {@code lora_unet_<diffusers path with _>} (SD 1.x/2.x) or {@code lora_unet_<original UNet path with _>}
 * (SDXL: {@code input_blocks_4_1_...}, mapped by {@link UNetKeyMap}); {@code lora_te_} (the one text encoder of
 * SD 1.x/2.x), {@code lora_te1_}/{@code lora_te2_} (SDXL's two) in transformers' CLIP naming. SDXL single files
 * hold encoder 2 in OpenCLIP naming, but the loader has already split its stacked {@code in_proj} into
 * q/k/v_proj, so the same names apply to folder and single file.</li>
 * <li>diffusers/peft: {@code unet.<path>}, {@code text_encoder.<path>}, {@code text_encoder_2.<path>} (optionally
 * under {@code base_model.model.}; a one-component peft adapter without the component: {@code text_model.} is the
 * text encoder, anything else the UNet), attention processors' {@code attn1.processor.to_q} and text encoders'
 * {@code self_attn.to_q} meaning {@code attn1.to_q} and {@code self_attn.q_proj}.</li>
 * </ul>
 */
final class LoraTargets {
    /** The three networks a LoRA can change. */
    enum Part { UNET, TEXT_ENCODER, TEXT_ENCODER_2 }

    record Target(Part part, String key) {
    }

    private static final Pattern TEXT_PROCESSOR = Pattern.compile("self_attn\\.to_(q|k|v|out)$");
    private static final Pattern UNET_OUT_PROCESSOR = Pattern.compile("\\.to_out$");

    private final Map<Part, Weights> weights = new HashMap<>();
    private final Map<Part, Map<String, String>> kohya = new HashMap<>();
    private final int layersPerBlock;
    private final boolean sdxl;

    /** @param textEncoder2 SDXL's second text encoder, null for a one-encoder model */
    LoraTargets(Weights unet, Weights textEncoder, Weights textEncoder2) {
        weights.put(Part.UNET, unet);
        weights.put(Part.TEXT_ENCODER, textEncoder);
        sdxl = textEncoder2 != null;
        if (sdxl) {
            weights.put(Part.TEXT_ENCODER_2, textEncoder2);
        }
        weights.forEach((part, w) -> kohya.put(part, kohyaNames(w)));
        layersPerBlock = UNetKeyMap.layersPerBlockOfDiffusers(unet.keys());
    }

    /** The weight {@code module} changes; empty when this model has none of that name. */
    Optional<Target> of(String module) {
        if (module.startsWith("lora_")) {
            return kohya(module);
        }
        String name = module.startsWith("base_model.model.") ? module.substring("base_model.model.".length()) : module;
        name = name.replace(".processor.", ".");
        if (name.startsWith("unet.")) {
            return weight(Part.UNET, UNET_OUT_PROCESSOR.matcher(name.substring(5)).replaceFirst(".to_out.0"));
        }
        if (name.startsWith("text_encoder_2.")) {
            return sdxl ? weight(Part.TEXT_ENCODER_2, textName(name.substring(15))) : Optional.empty();
        }
        if (name.startsWith("text_encoder.")) {
            return weight(Part.TEXT_ENCODER, textName(name.substring(13)));
        }
        // a peft adapter of one component (peft's save_pretrained, diffusers' save_lora_adapter): no component prefix
        return name.startsWith("text_model.") ? weight(Part.TEXT_ENCODER, name)
                : weight(Part.UNET, UNET_OUT_PROCESSOR.matcher(name).replaceFirst(".to_out.0"));
    }

    private Optional<Target> kohya(String module) {
        if (module.startsWith("lora_unet_")) {
            String rest = module.substring("lora_unet_".length());
            Optional<Target> direct = kohyaTarget(Part.UNET, rest);
            return direct.isPresent() ? direct
                    : UNetKeyMap.kohyaDiffusersName(rest, layersPerBlock).flatMap(n -> kohyaTarget(Part.UNET, n));
        }
        if (module.startsWith("lora_te1_") && sdxl) {
            return kohyaTarget(Part.TEXT_ENCODER, module.substring("lora_te1_".length()));
        }
        if (module.startsWith("lora_te2_") && sdxl) {
            return kohyaTarget(Part.TEXT_ENCODER_2, module.substring("lora_te2_".length()));
        }
        if (module.startsWith("lora_te_") && !sdxl) {
            return kohyaTarget(Part.TEXT_ENCODER, module.substring("lora_te_".length()));
        }
        return Optional.empty();
    }

    private Optional<Target> kohyaTarget(Part part, String name) {
        return Optional.ofNullable(kohya.get(part).get(name)).map(key -> new Target(part, key));
    }

    private Optional<Target> weight(Part part, String module) {
        String key = module + ".weight";
        return weights.get(part).keys().contains(key) ? Optional.of(new Target(part, key)) : Optional.empty();
    }

    /** diffusers' attention-processor names for CLIP ({@code self_attn.to_q}) as transformers names them. */
    private static String textName(String module) {
        return TEXT_PROCESSOR.matcher(module).replaceFirst("self_attn.$1_proj");
    }

    /** kohya module name (path with {@code _}) → weight key, for every {@code *.weight} of the model. */
    private static Map<String, String> kohyaNames(Weights weights) {
        Map<String, String> names = new HashMap<>();
        for (String key : weights.keys()) {
            if (key.endsWith(".weight")) {
                names.put(key.substring(0, key.length() - ".weight".length()).replace('.', '_'), key);
            }
        }
        return names;
    }
}
