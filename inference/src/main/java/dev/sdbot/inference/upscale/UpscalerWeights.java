package dev.sdbot.inference.upscale;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.sdbot.inference.nn.Weights;
import dev.sdbot.inference.weights.CheckpointException;
import dev.sdbot.inference.weights.SafetensorsWeights;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Opens an upscaler file (safetensors, or a pickled {@code .pth} read safely) and recognises its architecture from
 * the keys: BasicSR's RRDBNet ({@code conv_first}, {@code body.N.rdbK}), the original ESRGAN layout
 * ({@code model.0}, {@code model.1.sub.N.RDBK.convJ.0}), or SRVGGNetCompact ({@code body.N} convolutions and PReLUs).
 * Real-ESRGAN's release files wrap the weights in {@code params_ema} or {@code params}.
 */
public final class UpscalerWeights {
    private static final Pattern OLD_DENSE = Pattern.compile("model\\.1\\.sub\\.(\\d+)\\.RDB(\\d)\\.conv(\\d)\\.0\\.(weight|bias)");
    private static final Pattern OLD_TRUNK = Pattern.compile("model\\.1\\.sub\\.(\\d+)\\.(weight|bias)");
    private static final Map<String, String> OLD_FIXED = Map.of("model.0", "conv_first", "model.3", "conv_up1",
            "model.6", "conv_up2", "model.8", "conv_hr", "model.10", "conv_last");

    private UpscalerWeights() {
    }

    /** Loads the network in float32 into {@code manager}, which must outlive it. */
    public static UpscalerNet load(Path file, NDManager manager) {
        Weights raw = SafetensorsWeights.loadAll(file, manager, DataType.FLOAT32);
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        for (String key : raw.keys()) {
            tensors.put(unwrap(key), raw.get(key));
        }
        try {
            if (tensors.containsKey("conv_first.weight")) {
                return RrdbNet.load(new Weights(tensors, file.toString()));
            }
            if (tensors.containsKey("model.0.weight")) {
                return RrdbNet.load(new Weights(renameOldEsrgan(tensors), file.toString()));
            }
            if (tensors.containsKey("body.0.weight") && tensors.containsKey("body.1.weight")) {
                return SrvggNet.load(new Weights(tensors, file.toString()));
            }
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("unsupported upscaler " + file + ": " + e.getMessage(), e);
        }
        throw new CheckpointException("unsupported upscaler " + file + ": neither an ESRGAN/Real-ESRGAN RRDBNet nor an"
                + " SRVGGNetCompact (SwinIR, DAT, HAT and other architectures are not supported)");
    }

    private static String unwrap(String key) {
        for (String wrapper : new String[]{"params_ema.", "params."}) {
            if (key.startsWith(wrapper)) {
                return key.substring(wrapper.length());
            }
        }
        return key;
    }

    /** The original ESRGAN repository's names onto BasicSR's (as A1111's esrgan_model does). */
    private static Map<String, NDArray> renameOldEsrgan(Map<String, NDArray> old) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        old.forEach((key, value) -> {
            Matcher dense = OLD_DENSE.matcher(key);
            Matcher trunk = OLD_TRUNK.matcher(key);
            String head = key.substring(0, key.lastIndexOf('.'));
            String tail = key.substring(key.lastIndexOf('.') + 1);
            if (dense.matches()) {
                out.put("body." + dense.group(1) + ".rdb" + dense.group(2) + ".conv" + dense.group(3) + "." + dense.group(4), value);
            } else if (trunk.matches()) {
                out.put("conv_body." + trunk.group(2), value);
            } else if (OLD_FIXED.containsKey(head)) {
                out.put(OLD_FIXED.get(head) + "." + tail, value);
            } else {
                throw new CheckpointException("unexpected key '" + key + "' in an ESRGAN state dict");
            }
        });
        return out;
    }
}
