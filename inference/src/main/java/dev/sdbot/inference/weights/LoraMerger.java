package dev.sdbot.inference.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.sdbot.inference.nn.Weights;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Merges a kohya-style LoRA into UNet and text encoder weights: for every module
 * {@code W += scale * alpha / rank * up @ down} (flattened for conv weights, then reshaped to W's shape).
 * Kohya names a module {@code lora_unet_<diffusers path with _>} or {@code lora_te_<transformers path with _>}.
 * The base weights are left untouched: merged tensors are new arrays in the given manager, the rest is shared.
 */
public final class LoraMerger {
    private static final String DOWN = ".lora_down.weight";
    private static final String UP = ".lora_up.weight";
    private static final String ALPHA = ".alpha";

    private LoraMerger() {
    }

    /** The merged weights and how many modules the LoRA changed. */
    public record Merged(Weights unet, Weights textEncoder, int modules) {
    }

    public static Merged merge(Path loraPath, double scale, Weights unet, Weights textEncoder, NDManager manager) {
        return merge(loraPath, scale, scale, unet, textEncoder, manager);
    }

    /** As A1111's {@code <lora:name:te_weight:unet_weight>}: separate scales for the text encoder and the UNet. */
    public static Merged merge(Path loraPath, double textScale, double unetScale, Weights unet, Weights textEncoder,
                               NDManager manager) {
        try (SafetensorsFile lora = SafetensorsFile.open(loraPath)) {
            List<String> modules = modules(lora);
            Map<String, NDArray> unetOut = copy(unet);
            Map<String, NDArray> textOut = copy(textEncoder);
            Map<String, String> unetNames = kohyaNames("lora_unet_", unet);
            Map<String, String> textNames = kohyaNames("lora_te_", textEncoder);
            List<String> unmatched = new ArrayList<>();
            for (String module : modules) {
                if (unetNames.containsKey(module)) {
                    apply(lora, module, unetScale, unetOut, unetNames.get(module), manager);
                } else if (textNames.containsKey(module)) {
                    apply(lora, module, textScale, textOut, textNames.get(module), manager);
                } else {
                    unmatched.add(module);
                }
            }
            if (!unmatched.isEmpty()) {
                throw new CheckpointException("LoRA " + loraPath + " does not fit this model: " + unmatched.size()
                        + " of " + modules.size() + " modules have no matching weight, e.g. " + unmatched.get(0));
            }
            return new Merged(new Weights(unetOut, "unet+lora"), new Weights(textOut, "text_encoder+lora"),
                    modules.size());
        }
    }

    private static List<String> modules(SafetensorsFile lora) {
        List<String> modules = new ArrayList<>();
        for (String key : lora.keys()) {
            if (key.endsWith(DOWN)) {
                modules.add(key.substring(0, key.length() - DOWN.length()));
            } else if (!key.endsWith(UP) && !key.endsWith(ALPHA)) {
                throw new CheckpointException("unsupported LoRA tensor '" + key + "' in " + lora.path()
                        + " (only kohya lora_down/lora_up/alpha LoRAs are supported)");
            }
        }
        if (modules.isEmpty()) {
            throw new CheckpointException("not a LoRA: " + lora.path() + " has no *.lora_down.weight tensors");
        }
        return modules;
    }

    /** kohya module name → weight key, for every {@code *.weight} of the model. */
    private static Map<String, String> kohyaNames(String prefix, Weights weights) {
        Map<String, String> names = new HashMap<>();
        for (String key : weights.keys()) {
            if (key.endsWith(".weight")) {
                String module = key.substring(0, key.length() - ".weight".length());
                names.put(prefix + module.replace('.', '_'), key);
            }
        }
        return names;
    }

    private static void apply(SafetensorsFile lora, String module, double scale, Map<String, NDArray> out,
                              String key, NDManager manager) {
        NDArray base = out.get(key);
        try (NDManager scratch = manager.newSubManager()) {
            NDArray down = lora.load(module + DOWN, scratch, DataType.FLOAT32);
            NDArray up = lora.load(module + UP, scratch, DataType.FLOAT32);
            long rank = down.getShape().get(0);
            if (up.getShape().get(up.getShape().dimension() > 1 ? 1 : 0) != rank) {
                throw new CheckpointException("LoRA module " + module + " has mismatched up/down ranks");
            }
            double alpha = lora.contains(module + ALPHA)
                    ? lora.load(module + ALPHA, scratch, DataType.FLOAT32).getFloat() : rank;
            NDArray delta = up.reshape(up.getShape().get(0), rank).matMul(down.reshape(rank, -1))
                    .mul((float) (scale * alpha / rank));
            if (delta.size() != base.size()) {
                throw new CheckpointException("LoRA does not fit this model: module " + module + " gives " + delta.getShape()
                        + " for weight '" + key + "' of shape " + base.getShape());
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
