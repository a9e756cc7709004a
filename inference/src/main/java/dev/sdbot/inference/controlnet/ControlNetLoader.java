package dev.sdbot.inference.controlnet;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.sdbot.inference.nn.Weights;
import dev.sdbot.inference.unet.ControlNet;
import dev.sdbot.inference.unet.ControlNetSpec;
import dev.sdbot.inference.weights.CheckpointException;
import dev.sdbot.inference.weights.ConfigJson;
import dev.sdbot.inference.weights.ControlNetWeights;
import dev.sdbot.inference.weights.PickledWeights;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Loads a ControlNet: a diffusers folder (its {@code config.json} gives the head counts and flags) or a single
 * file (diffusers or original / A1111 names). A single file's settings come from a diffusers {@code config.json}
 * copied beside it as {@code NAME.json} (as A1111 keeps a {@code NAME.yaml} beside a ControlNet: a net not shaped
 * like its family's base cannot be told from its weights), else from the family it shows: SDXL (an {@code add_embedding}:
 * 64-wide heads, SDXL's 256-wide size/crop embedding), else by its cross-attention width SD 1.x (768: 8 heads
 * everywhere, like any other width but SD 2.x's) or SD 2.x (1024: 64-wide heads, upcast attention).
 */
public final class ControlNetLoader {
    /** The diffusers config beside a single-file ControlNet: {@code NAME.json} for {@code NAME.safetensors}. */
    public static final String SIDECAR_SUFFIX = ".json";
    private static final int SD2_CONTEXT = 1024;
    /** SDXL base's {@code addition_time_embed_dim} (every published SDXL ControlNet copies SDXL base's UNet). */
    private static final int SDXL_TIME_EMBED_DIM = 256;
    /** SDXL base's added-embedding input: the 1280-wide pooled text embedding and six size/crop ids, 256 wide each. */
    private static final int SDXL_ADDED_INPUT = 1280 + 6 * SDXL_TIME_EMBED_DIM;

    private ControlNetLoader() {
    }

    public static ControlNet load(Path path, NDManager manager, DataType dtype) {
        Weights w = ControlNetWeights.load(path, manager, dtype);
        Optional<Path> config = config(path);
        ControlNetSpec spec = config.isPresent() ? fromJson(ConfigJson.read(config.get()), w) : inferred(w, path);
        return ControlNet.load(w, spec);
    }

    /** A folder's {@code config.json}, or the {@code NAME.json} sidecar of a single file {@code NAME.safetensors}. */
    static Optional<Path> config(Path path) {
        Path config = Files.isDirectory(path) ? path.resolve("config.json")
                : path.resolveSibling(PickledWeights.stem(path.getFileName().toString()) + SIDECAR_SUFFIX);
        return Files.isRegularFile(config) ? Optional.of(config) : Optional.empty();
    }

    /** The family of a ControlNet's text context: 768 (SD 1.x), 1024 (SD 2.x), 2048 (SDXL). */
    public static int crossAttentionDim(Weights w) {
        String toK = w.keys().stream().filter(k -> k.endsWith("attn2.to_k.weight")).sorted().findFirst()
                .orElseThrow(() -> new CheckpointException("ControlNet without cross-attention is not supported"));
        return (int) w.get(toK).getShape().get(1);
    }

    static ControlNetSpec fromJson(ConfigJson c, Weights w) {
        String added = c.getString("addition_embed_type", null);
        if ((added != null && !added.equals("text_time")) || c.getString("class_embed_type", null) != null) {
            throw new CheckpointException("ControlNets with added conditioning other than SDXL's (text_time) are "
                    + "not supported: " + c.source());
        }
        int levels = w.indices("down_blocks").size();
        String headsKey = c.has("num_attention_heads")
                ? "num_attention_heads" : "attention_head_dim";
        List<Integer> heads = c.isArray(headsKey) ? c.getIntList(headsKey)
                : Collections.nCopies(levels, c.getInt(headsKey, 8));
        String order = c.getString("controlnet_conditioning_channel_order", "rgb");
        if (!order.equals("rgb") && !order.equals("bgr")) {
            throw c.invalid("controlnet_conditioning_channel_order", order);
        }
        return new ControlNetSpec(heads, crossAttentionDim(w), c.getInt("norm_num_groups", 32),
                (float) c.getDouble("norm_eps", 1e-5), c.getBoolean("flip_sin_to_cos", true), c.getInt("freq_shift", 0),
                c.getBoolean("upcast_attention", false), c.getBoolean("global_pool_conditions", false),
                order.equals("bgr"), added == null ? 0 : c.getInt("addition_time_embed_dim", SDXL_TIME_EMBED_DIM));
    }

    /** @throws CheckpointException when the file is not shaped as its family's base, so that guessing would fail */
    static ControlNetSpec inferred(Weights w, Path path) {
        int context = crossAttentionDim(w);
        boolean sdxl = w.contains("add_embedding.linear_1.weight");
        boolean wideHeads = sdxl || context == SD2_CONTEXT;
        if (sdxl && w.get("add_embedding.linear_1.weight").getShape().get(1) != SDXL_ADDED_INPUT) {
            throw notBaseShaped(path, "its added embedding is not SDXL base's (" + SDXL_ADDED_INPUT + " wide)");
        }
        List<Integer> heads = new ArrayList<>();
        for (int i : w.indices("down_blocks")) {
            int channels = (int) w.get("down_blocks." + i + ".resnets.0.conv1.weight").getShape().get(0);
            if (wideHeads && channels % 64 != 0) {
                throw notBaseShaped(path, "its " + channels + " channels are no whole number of 64-wide heads");
            }
            heads.add(wideHeads ? channels / 64 : 8);
        }
        return new ControlNetSpec(heads, context, 32, 1e-5f, true, 0, !sdxl && context == SD2_CONTEXT, false, false,
                sdxl ? SDXL_TIME_EMBED_DIM : 0);
    }

    private static CheckpointException notBaseShaped(Path path, String why) {
        String name = PickledWeights.stem(path.getFileName().toString());
        return new CheckpointException("cannot tell the settings of ControlNet " + path + ": " + why
                + "; put its diffusers config.json beside it as " + name + SIDECAR_SUFFIX);
    }
}
