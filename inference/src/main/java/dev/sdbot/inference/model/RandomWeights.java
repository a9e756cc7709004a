package dev.sdbot.inference.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.sdbot.inference.clip.TextEncoderConfig;
import dev.sdbot.inference.nn.Weights;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Random-valued weights under diffusers names for any {@link UNetConfig}/{@link VaeConfig}, so that
 * benchmarks can run the full-size architectures without a checkpoint. Matrices are drawn from
 * N(0, 1/fan_in), norm scales are 1 and biases 0, which keeps activations in a realistic range.
 * Seeding goes through libtorch's global generator.
 */
public final class RandomWeights {
    private RandomWeights() {
    }

    public static Weights unet(UNetConfig c, NDManager manager, long seed) {
        return fill(unetShapes(c), manager, seed, "random UNet");
    }

    public static Weights vae(VaeConfig c, NDManager manager, long seed) {
        return fill(vaeShapes(c), manager, seed, "random VAE");
    }

    /**
     * TAESD's decoder (diffusers AutoencoderTiny defaults: 64 channels, decoder blocks 3, 3, 3, 1, latent 4) under
     * diffusers names {@code decoder.layers.N}; parameter-free layers (ReLU, upsampling) hold an index but no weight.
     */
    public static Weights tinyVaeDecoder(NDManager manager, long seed) {
        Map<String, Shape> s = new LinkedHashMap<>();
        int width = 64;
        int[] blocks = {3, 3, 3, 1};
        int index = 0;
        conv(s, "decoder.layers." + index++, 4, width, 3);
        index++; // ReLU
        for (int i = 0; i < blocks.length; i++) {
            for (int b = 0; b < blocks[i]; b++) {
                String p = "decoder.layers." + index++ + ".conv.";
                for (int c : new int[] {0, 2, 4}) {
                    conv(s, p + c, width, width, 3);
                }
            }
            boolean last = i == blocks.length - 1;
            if (!last) {
                index++; // nearest 2x upsampling
            }
            String p = "decoder.layers." + index++;
            conv(s, p, width, last ? 3 : width, 3);
            if (!last) {
                s.remove(p + ".bias");
            }
        }
        return fill(s, manager, seed, "random tiny VAE decoder");
    }

    /** A CLIP text encoder ({@code text_model.*}) for {@code c}. */
    public static Weights textEncoder(TextEncoderConfig c, NDManager manager, long seed) {
        return fill(textEncoderShapes(c), manager, seed, "random text encoder");
    }

    static Map<String, Shape> textEncoderShapes(TextEncoderConfig c) {
        Map<String, Shape> s = new LinkedHashMap<>();
        int h = c.hiddenSize();
        s.put("text_model.embeddings.token_embedding.weight", new Shape(c.vocabSize(), h));
        s.put("text_model.embeddings.position_embedding.weight", new Shape(c.maxPositions(), h));
        for (int i = 0; i < c.numLayers(); i++) {
            String p = "text_model.encoder.layers." + i;
            norm(s, p + ".layer_norm1", h);
            for (String proj : new String[]{"q_proj", "k_proj", "v_proj", "out_proj"}) {
                linear(s, p + ".self_attn." + proj, h, h, true);
            }
            norm(s, p + ".layer_norm2", h);
            linear(s, p + ".mlp.fc1", h, c.intermediateSize(), true);
            linear(s, p + ".mlp.fc2", c.intermediateSize(), h, true);
        }
        norm(s, "text_model.final_layer_norm", h);
        return s;
    }

    private static Weights fill(Map<String, Shape> shapes, NDManager manager, long seed, String description) {
        Engine.getInstance().setRandomSeed((int) seed);
        Map<String, NDArray> tensors = new HashMap<>();
        shapes.forEach((key, shape) -> {
            NDArray a;
            if (shape.dimension() >= 2) {
                long fanIn = shape.size() / shape.get(0);
                a = manager.randomNormal(0f, (float) (1 / Math.sqrt(fanIn)), shape, DataType.FLOAT32);
            } else if (key.endsWith(".weight")) {
                a = manager.ones(shape, DataType.FLOAT32);
            } else {
                a = manager.zeros(shape, DataType.FLOAT32);
            }
            tensors.put(key, a);
        });
        return new Weights(tensors, description);
    }

    /** Parameter names and shapes of diffusers' UNet2DConditionModel for {@code c}. */
    static Map<String, Shape> unetShapes(UNetConfig c) {
        Map<String, Shape> s = new LinkedHashMap<>();
        List<Integer> out = c.blockOutChannels();
        int n = out.size();
        int t = c.timeEmbedDim();
        int c0 = out.get(0);
        linear(s, "time_embedding.linear_1", c0, t, true);
        linear(s, "time_embedding.linear_2", t, t, true);
        if (c.textTimeConditioning()) {
            linear(s, "add_embedding.linear_1", c.additionInputDim(), t, true);
            linear(s, "add_embedding.linear_2", t, t, true);
        }
        conv(s, "conv_in", c.inChannels(), c0, 3);
        for (int i = 0; i < n; i++) {
            String p = "down_blocks." + i;
            int in = i == 0 ? c0 : out.get(i - 1);
            for (int j = 0; j < c.layersPerBlock(); j++) {
                resnet(s, p + ".resnets." + j, j == 0 ? in : out.get(i), out.get(i), t);
                if (c.downBlockTypes().get(i).equals(UNetConfig.CROSS_ATTN_DOWN)) {
                    transformer(s, p + ".attentions." + j, out.get(i), c, c.transformerLayers().get(i));
                }
            }
            if (i < n - 1) {
                conv(s, p + ".downsamplers.0.conv", out.get(i), out.get(i), 3);
            }
        }
        int deepest = out.get(n - 1);
        resnet(s, "mid_block.resnets.0", deepest, deepest, t);
        transformer(s, "mid_block.attentions.0", deepest, c, c.transformerLayers().get(n - 1));
        resnet(s, "mid_block.resnets.1", deepest, deepest, t);
        int prev = deepest;
        for (int i = 0; i < n; i++) {
            String p = "up_blocks." + i;
            int width = out.get(n - 1 - i);
            int skipIn = out.get(Math.max(n - 2 - i, 0));
            for (int j = 0; j <= c.layersPerBlock(); j++) {
                int skip = j == c.layersPerBlock() ? skipIn : width;
                resnet(s, p + ".resnets." + j, (j == 0 ? prev : width) + skip, width, t);
                if (c.upBlockTypes().get(i).equals(UNetConfig.CROSS_ATTN_UP)) {
                    transformer(s, p + ".attentions." + j, width, c, c.transformerLayers().get(n - 1 - i));
                }
            }
            if (i < n - 1) {
                conv(s, p + ".upsamplers.0.conv", width, width, 3);
            }
            prev = width;
        }
        norm(s, "conv_norm_out", c0);
        conv(s, "conv_out", c0, c.outChannels(), 3);
        return s;
    }

    /** Parameter names and shapes of diffusers' AutoencoderKL for {@code c}. */
    static Map<String, Shape> vaeShapes(VaeConfig c) {
        Map<String, Shape> s = new LinkedHashMap<>();
        List<Integer> out = c.blockOutChannels();
        int n = out.size();
        int deepest = out.get(n - 1);
        int latent = c.latentChannels();
        conv(s, "encoder.conv_in", c.inChannels(), out.get(0), 3);
        for (int i = 0; i < n; i++) {
            String p = "encoder.down_blocks." + i;
            int in = i == 0 ? out.get(0) : out.get(i - 1);
            for (int j = 0; j < c.layersPerBlock(); j++) {
                resnet(s, p + ".resnets." + j, j == 0 ? in : out.get(i), out.get(i), 0);
            }
            if (i < n - 1) {
                conv(s, p + ".downsamplers.0.conv", out.get(i), out.get(i), 3);
            }
        }
        vaeMid(s, "encoder.mid_block", deepest);
        norm(s, "encoder.conv_norm_out", deepest);
        conv(s, "encoder.conv_out", deepest, 2 * latent, 3);
        conv(s, "quant_conv", 2 * latent, 2 * latent, 1);
        conv(s, "post_quant_conv", latent, latent, 1);
        conv(s, "decoder.conv_in", latent, deepest, 3);
        vaeMid(s, "decoder.mid_block", deepest);
        int prev = deepest;
        for (int i = 0; i < n; i++) {
            String p = "decoder.up_blocks." + i;
            int width = out.get(n - 1 - i);
            for (int j = 0; j <= c.layersPerBlock(); j++) {
                resnet(s, p + ".resnets." + j, j == 0 ? prev : width, width, 0);
            }
            if (i < n - 1) {
                conv(s, p + ".upsamplers.0.conv", width, width, 3);
            }
            prev = width;
        }
        norm(s, "decoder.conv_norm_out", out.get(0));
        conv(s, "decoder.conv_out", out.get(0), c.outChannels(), 3);
        return s;
    }

    private static void vaeMid(Map<String, Shape> s, String p, int width) {
        resnet(s, p + ".resnets.0", width, width, 0);
        norm(s, p + ".attentions.0.group_norm", width);
        for (String proj : List.of("to_q", "to_k", "to_v", "to_out.0")) {
            linear(s, p + ".attentions.0." + proj, width, width, true);
        }
        resnet(s, p + ".resnets.1", width, width, 0);
    }

    private static void resnet(Map<String, Shape> s, String p, int in, int out, int timeDim) {
        norm(s, p + ".norm1", in);
        conv(s, p + ".conv1", in, out, 3);
        if (timeDim > 0) {
            linear(s, p + ".time_emb_proj", timeDim, out, true);
        }
        norm(s, p + ".norm2", out);
        conv(s, p + ".conv2", out, out, 3);
        if (in != out) {
            conv(s, p + ".conv_shortcut", in, out, 1);
        }
    }

    private static void transformer(Map<String, Shape> s, String p, int width, UNetConfig c, int layers) {
        norm(s, p + ".norm", width);
        for (String proj : List.of("proj_in", "proj_out")) {
            if (c.useLinearProjection()) {
                linear(s, p + "." + proj, width, width, true);
            } else {
                conv(s, p + "." + proj, width, width, 1);
            }
        }
        for (int layer = 0; layer < layers; layer++) {
            String b = p + ".transformer_blocks." + layer;
            for (int k = 1; k <= 3; k++) {
                norm(s, b + ".norm" + k, width);
            }
            for (String attn : List.of("attn1", "attn2")) {
                int source = attn.equals("attn1") ? width : c.crossAttentionDim();
                linear(s, b + "." + attn + ".to_q", width, width, false);
                linear(s, b + "." + attn + ".to_k", source, width, false);
                linear(s, b + "." + attn + ".to_v", source, width, false);
                linear(s, b + "." + attn + ".to_out.0", width, width, true);
            }
            linear(s, b + ".ff.net.0.proj", width, 8 * width, true);
            linear(s, b + ".ff.net.2", 4 * width, width, true);
        }
    }

    private static void norm(Map<String, Shape> s, String p, int width) {
        s.put(p + ".weight", new Shape(width));
        s.put(p + ".bias", new Shape(width));
    }

    private static void linear(Map<String, Shape> s, String p, int in, int out, boolean bias) {
        s.put(p + ".weight", new Shape(out, in));
        if (bias) {
            s.put(p + ".bias", new Shape(out));
        }
    }

    private static void conv(Map<String, Shape> s, String p, int in, int out, int kernel) {
        s.put(p + ".weight", new Shape(out, in, kernel, kernel));
        s.put(p + ".bias", new Shape(out));
    }
}
