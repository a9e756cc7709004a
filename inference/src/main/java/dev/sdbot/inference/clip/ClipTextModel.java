package dev.sdbot.inference.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.sdbot.inference.nn.LayerNorm;
import dev.sdbot.inference.nn.Weights;
import dev.sdbot.inference.weights.CheckpointException;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * transformers' CLIPTextModel: token + position embeddings, causal pre-LN encoder layers, final
 * LayerNorm. Weights use the transformers naming ({@code text_model.embeddings.token_embedding.weight},
 * {@code text_model.encoder.layers.N...}, {@code text_model.final_layer_norm}). The checkpoint's
 * {@code position_ids} buffer is never read: some checkpoints carry a corrupted (float-rounded) one,
 * positions are always 0..n-1.
 */
public final class ClipTextModel {
    private final TextEncoderConfig config;
    private final NDArray tokenEmbedding;
    private final NDArray positionEmbedding;
    private final List<ClipEncoderLayer> layers;
    private final LayerNorm finalLayerNorm;

    private ClipTextModel(TextEncoderConfig config, NDArray tokenEmbedding, NDArray positionEmbedding,
                          List<ClipEncoderLayer> layers, LayerNorm finalLayerNorm) {
        this.config = config;
        this.tokenEmbedding = tokenEmbedding;
        this.positionEmbedding = positionEmbedding;
        this.layers = layers;
        this.finalLayerNorm = finalLayerNorm;
    }

    public static ClipTextModel load(Weights weights, TextEncoderConfig config) {
        Weights w = weights.sub("text_model");
        NDArray tokens = w.get("embeddings.token_embedding.weight");
        NDArray positions = w.get("embeddings.position_embedding.weight");
        expectShape(tokens, new Shape(config.vocabSize(), config.hiddenSize()), "token_embedding");
        expectShape(positions, new Shape(config.maxPositions(), config.hiddenSize()), "position_embedding");
        Set<Integer> present = w.indices("encoder.layers");
        if (present.size() < config.numLayers()) {
            throw new CheckpointException("text encoder config has " + config.numLayers()
                    + " layers but the weights hold " + present.size());
        }
        List<ClipEncoderLayer> layers = new ArrayList<>();
        for (int i = 0; i < config.numLayers(); i++) {
            layers.add(ClipEncoderLayer.load(w.sub("encoder.layers." + i), config.numHeads(),
                    config.activation(), config.layerNormEps()));
        }
        return new ClipTextModel(config, tokens, positions, List.copyOf(layers),
                LayerNorm.load(w, "final_layer_norm", config.layerNormEps()));
    }

    private static void expectShape(NDArray a, Shape expected, String name) {
        if (!a.getShape().equals(expected)) {
            throw new CheckpointException("text encoder " + name + " has shape " + a.getShape()
                    + ", the config implies " + expected);
        }
    }

    public TextEncoderConfig config() {
        return config;
    }

    /**
     * Encodes token ids.
     *
     * @param ids      (B, L) integer token ids, L at most {@code maxPositions}
     * @param clipSkip 1 = output of the last layer; k = output of the k-th layer from the end; either
     *                 way followed by {@code final_layer_norm} (A1111 and diffusers "clip skip")
     * @return (B, L, hiddenSize) fp32 in the manager of {@code ids} (computed in the weights' dtype)
     */
    public NDArray encode(NDArray ids, int clipSkip) {
        return encode(ids, clipSkip, InputVectors.NONE);
    }

    /** {@link #encode(NDArray, int)} with some token embeddings replaced (textual-inversion embeddings). */
    public NDArray encode(NDArray ids, int clipSkip, InputVectors vectors) {
        checkClipSkip(clipSkip, layers.size());
        return finalLayerNorm.forward(run(ids, layers.size() - (clipSkip - 1), vectors)).toType(DataType.FLOAT32, false);
    }

    /**
     * Outputs of an SDXL text encoder.
     *
     * @param hidden   the output of the layer {@code clipSkip} before the last, WITHOUT final_layer_norm (clip skip
     *                 1 = transformers' {@code hidden_states[-2]}): what the UNet is conditioned on
     * @param lastNormed final_layer_norm of the last layer's output, from which the pooled embedding is taken
     */
    public record Penultimate(NDArray hidden, NDArray lastNormed) {
    }

    /** SDXL's reading of the encoder (see {@link Penultimate}); {@code clipSkip} at most numLayers - 1. */
    public Penultimate encodePenultimate(NDArray ids, int clipSkip) {
        return encodePenultimate(ids, clipSkip, InputVectors.NONE);
    }

    /** {@link #encodePenultimate(NDArray, int)} with some token embeddings replaced (textual-inversion embeddings). */
    public Penultimate encodePenultimate(NDArray ids, int clipSkip, InputVectors vectors) {
        checkClipSkip(clipSkip, layers.size() - 1);
        int hiddenLayers = layers.size() - clipSkip;
        NDArray hidden = run(ids, hiddenLayers, vectors);
        NDArray x = hidden;
        NDArray mask = causalMask(ids.getManager(), ids.getShape().get(1)).toType(x.getDataType(), false);
        for (int i = hiddenLayers; i < layers.size(); i++) {
            x = layers.get(i).forward(x, mask);
        }
        return new Penultimate(hidden.toType(DataType.FLOAT32, false), finalLayerNorm.forward(x).toType(DataType.FLOAT32, false));
    }

    private static void checkClipSkip(int clipSkip, int max) {
        if (clipSkip < 1 || clipSkip > max) {
            throw new IllegalArgumentException("clip skip must be between 1 and " + max + ", got " + clipSkip);
        }
    }

    /** Embeddings and the first {@code used} layers (no final layer norm). */
    private NDArray run(NDArray ids, int used, InputVectors vectors) {
        Shape shape = ids.getShape();
        if (shape.dimension() != 2 || shape.get(1) < 1 || shape.get(1) > config.maxPositions()) {
            throw new IllegalArgumentException("token ids must have shape (batch, 1.." + config.maxPositions()
                    + "), got " + shape);
        }
        NDManager m = ids.getManager();
        NDArray tokenIds = ids.toType(DataType.INT64, false);
        long maxId = tokenIds.max().getLong();
        long minId = tokenIds.min().getLong();
        if (minId < 0 || maxId >= config.vocabSize()) {
            throw new IllegalArgumentException("token id out of range [0, " + config.vocabSize() + "): "
                    + (minId < 0 ? minId : maxId));
        }
        long length = shape.get(1);
        // Indexing a weight puts the result in the weight's manager: move it to the request's.
        NDArray tokens = tokenEmbedding.get(tokenIds.flatten());
        tokens.attach(m);
        tokens = vectors.apply(tokens, m);
        NDArray positions = positionEmbedding.get("0:{}", length);
        positions.attach(m);
        NDArray x = tokens.reshape(shape.get(0), length, config.hiddenSize()).add(positions);
        NDArray mask = causalMask(m, length).toType(x.getDataType(), false);
        for (int i = 0; i < used; i++) {
            x = layers.get(i).forward(x, mask);
        }
        return x;
    }

    /** Additive mask: position i attends to positions 0..i only. */
    private static NDArray causalMask(NDManager m, long length) {
        int n = (int) length;
        float[] mask = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                mask[i * n + j] = Float.NEGATIVE_INFINITY;
            }
        }
        return m.create(mask, new Shape(1, 1, n, n));
    }
}
