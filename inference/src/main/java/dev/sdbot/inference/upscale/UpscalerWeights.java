package dev.sdbot.inference.upscale;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.sdbot.inference.nn.Weights;
import dev.sdbot.inference.weights.CheckpointException;
import dev.sdbot.inference.weights.SafetensorsFile;
import dev.sdbot.inference.weights.SafetensorsWeights;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
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

    /**
     * The factor the network of {@code file} enlarges by (1, 2 or 4), told from the shapes in its header alone (no
     * weights read), or empty when the file is none of the supported architectures or cannot be read.
     */
    public static OptionalInt scaleOf(Path file) {
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            Map<String, long[]> shapes = new HashMap<>();
            for (String key : st.keys()) {
                shapes.put(unwrap(key), st.info(key).shape());
            }
            if (shapes.containsKey("conv_first.weight")) {
                return switch ((int) shapes.get("conv_first.weight")[1]) {
                    case 3 -> OptionalInt.of(4);
                    case 12 -> OptionalInt.of(2);
                    case 48 -> OptionalInt.of(1);
                    default -> OptionalInt.empty();
                };
            }
            if (shapes.containsKey("model.0.weight")) {
                return OptionalInt.of(4); // the original ESRGAN layout RrdbNet reads is the x4 one
            }
            long[] last = null;
            for (int i = 0; shapes.containsKey("body." + i + ".weight"); i++) {
                long[] shape = shapes.get("body." + i + ".weight");
                last = shape.length == 4 ? shape : last;
            }
            int scale = last == null ? 0 : (int) Math.round(Math.sqrt(last[0] / 3.0));
            return last != null && scale * scale * 3 == last[0] ? OptionalInt.of(scale)
                    : OptionalInt.empty();
        } catch (RuntimeException e) {
            return OptionalInt.empty(); // loading it says why
        }
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
