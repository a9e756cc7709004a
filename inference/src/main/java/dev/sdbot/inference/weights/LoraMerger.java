package dev.sdbot.inference.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.sdbot.inference.nn.Weights;
import dev.sdbot.inference.weights.LoraTargets.Part;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Merges a LoRA into UNet and text encoder weights: for every module {@code W += scale * alpha / rank * up @ down}
 * (flattened for conv weights, then reshaped to W's shape), as diffusers' {@code fuse_lora} and A1111 do; alpha is
 * the module's {@code .alpha} tensor (kohya) or its peft config's ({@link PeftScaling}). Which
 * weight a module changes is {@link LoraTargets}' business (kohya SD 1.x/2.x and SDXL names, diffusers and peft
 * names), which tensors form a module {@link LoraModules}'. The base weights are left untouched: merged tensors are
 * new arrays in the given manager, the rest is shared.
 */
public final class LoraMerger {
    private LoraMerger() {
    }

    /** The merged weights and how many modules the LoRA changed; {@code textEncoder2} is null for one-encoder models. */
    public record Merged(Weights unet, Weights textEncoder, Weights textEncoder2, int modules) {
    }

    public static Merged merge(Path loraPath, double scale, Weights unet, Weights textEncoder, NDManager manager) {
        return merge(loraPath, scale, scale, unet, textEncoder, null, manager);
    }

    /**
     * As A1111's {@code <lora:name:te_weight:unet_weight>}: separate scales for the text encoders and the UNet.
     *
     * @param textEncoder2 SDXL's second text encoder, null for SD 1.x/2.x
     */
    public static Merged merge(Path loraPath, double textScale, double unetScale, Weights unet, Weights textEncoder,
                               Weights textEncoder2, NDManager manager) {
        try (SafetensorsFile lora = SafetensorsFile.open(loraPath)) {
            List<LoraModules.Module> modules = LoraModules.of(lora);
            PeftScaling peft = PeftScaling.of(lora);
            LoraTargets targets = new LoraTargets(unet, textEncoder, textEncoder2);
            Map<Part, Map<String, NDArray>> out = new EnumMap<>(Part.class);
            out.put(Part.UNET, copy(unet));
            out.put(Part.TEXT_ENCODER, copy(textEncoder));
            if (textEncoder2 != null) {
                out.put(Part.TEXT_ENCODER_2, copy(textEncoder2));
            }
            List<String> unmatched = new ArrayList<>();
            for (LoraModules.Module module : modules) {
                Optional<LoraTargets.Target> target = targets.of(module.name());
                if (target.isEmpty()) {
                    unmatched.add(module.name());
                    continue;
                }
                double scale = target.get().part() == Part.UNET ? unetScale : textScale;
                apply(lora, module, scale, peft, target.get(), out.get(target.get().part()), manager);
            }
            if (!unmatched.isEmpty()) {
                throw new CheckpointException("LoRA " + loraPath + " does not fit this model: " + unmatched.size()
                        + " of " + modules.size() + " modules have no matching weight, e.g. " + unmatched.get(0));
            }
            return new Merged(new Weights(out.get(Part.UNET), "unet+lora"),
                    new Weights(out.get(Part.TEXT_ENCODER), "text_encoder+lora"),
                    textEncoder2 == null ? null : new Weights(out.get(Part.TEXT_ENCODER_2), "text_encoder_2+lora"),
                    modules.size());
        }
    }

    private static void apply(SafetensorsFile lora, LoraModules.Module module, double scale, PeftScaling peft,
                              LoraTargets.Target target, Map<String, NDArray> out, NDManager manager) {
        String key = target.key();
        NDArray base = out.get(key);
        try (NDManager scratch = manager.newSubManager()) {
            NDArray down = lora.load(module.down(), scratch, DataType.FLOAT32);
            NDArray up = lora.load(module.up(), scratch, DataType.FLOAT32);
            long rank = down.getShape().get(0);
            if (up.getShape().get(up.getShape().dimension() > 1 ? 1 : 0) != rank) {
                throw new CheckpointException("LoRA module " + module.name() + " has mismatched up/down ranks");
            }
            double alphaOverRank = lora.contains(module.alpha())
                    ? lora.load(module.alpha(), scratch, DataType.FLOAT32).getFloat() / rank
                    : peft.scale(module.name(), target.part(), rank);
            NDArray delta = up.reshape(up.getShape().get(0), rank).matMul(down.reshape(rank, -1))
                    .mul((float) (scale * alphaOverRank));
            if (delta.size() != base.size()) {
                throw new CheckpointException("LoRA does not fit this model: module " + module.name() + " gives "
                        + delta.getShape() + " for weight '" + key + "' of shape " + base.getShape());
            }
            // summed in fp32, stored in the base's dtype: an fp16 model stays all fp16 (mixed dtypes fail in conv/matmul)
            NDArray merged = delta.reshape(base.getShape()).add(base).toType(base.getDataType(), false);
            merged.attach(manager);
            out.put(key, merged);
        }
    }

    private static Map<String, NDArray> copy(Weights weights) {
        Map<String, NDArray> map = new LinkedHashMap<>();
        for (String key : new TreeSet<>(weights.keys())) {
            map.put(key, weights.get(key));
        }
        return map;
    }
}
