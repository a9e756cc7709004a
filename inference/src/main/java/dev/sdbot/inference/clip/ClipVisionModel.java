package dev.sdbot.inference.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import dev.sdbot.inference.nn.Conv2d;
import dev.sdbot.inference.nn.LayerNorm;
import dev.sdbot.inference.nn.Weights;
import dev.sdbot.inference.weights.CheckpointException;

import java.util.ArrayList;
import java.util.List;

/**
 * transformers' CLIPVisionModel up to its pooled output: patch embedding (a bias-free strided conv),
 * class token, position embeddings, {@code pre_layrnorm} (sic), encoder layers without a mask, and
 * {@code post_layernorm} of the class token. Weights use the transformers naming under
 * {@code vision_model.}.
 */
public final class ClipVisionModel {
    private final VisionConfig config;
    private final Conv2d patchEmbedding;
    private final NDArray classEmbedding;
    private final NDArray positionEmbedding;
    private final LayerNorm preLayerNorm;
    private final List<ClipEncoderLayer> layers;
    private final LayerNorm postLayerNorm;

    private ClipVisionModel(VisionConfig config, Conv2d patchEmbedding, NDArray classEmbedding,
                            NDArray positionEmbedding, LayerNorm preLayerNorm, List<ClipEncoderLayer> layers,
                            LayerNorm postLayerNorm) {
        this.config = config;
        this.patchEmbedding = patchEmbedding;
        this.classEmbedding = classEmbedding;
        this.positionEmbedding = positionEmbedding;
        this.preLayerNorm = preLayerNorm;
        this.layers = layers;
        this.postLayerNorm = postLayerNorm;
    }

    /** @param weights the tower's weights with the {@code vision_model.} prefix */
    public static ClipVisionModel load(Weights weights, VisionConfig config) {
        Weights w = weights.sub("vision_model");
        NDArray patchWeight = w.get("embeddings.patch_embedding.weight");
        Shape expected = new Shape(config.hiddenSize(), 3, config.patchSize(), config.patchSize());
        if (!patchWeight.getShape().equals(expected)) {
            throw new CheckpointException("vision patch_embedding has shape " + patchWeight.getShape()
                    + ", the config implies " + expected);
        }
        NDArray positions = w.get("embeddings.position_embedding.weight");
        long tokens = (long) config.gridSize() * config.gridSize() + 1;
        if (positions.getShape().get(0) != tokens) {
            throw new CheckpointException("vision position_embedding has " + positions.getShape().get(0)
                    + " rows, the config implies " + tokens);
        }
        float eps = config.layerNormEps();
        List<ClipEncoderLayer> layers = new ArrayList<>();
        for (int i = 0; i < config.numLayers(); i++) {
            layers.add(ClipEncoderLayer.load(w.sub("encoder.layers." + i), config.numHeads(), config.activation(), eps));
        }
        return new ClipVisionModel(config,
                new Conv2d(patchWeight, null, config.patchSize(), 0),
                w.get("embeddings.class_embedding"),
                positions,
                LayerNorm.load(w, "pre_layrnorm", eps),
                List.copyOf(layers),
                LayerNorm.load(w, "post_layernorm", eps));
    }

    public VisionConfig config() {
        return config;
    }

    /**
     * @param pixelValues (B, 3, imageSize, imageSize), normalised with the CLIP mean/std
     * @return (B, hiddenSize): {@code post_layernorm} of the class token, in the manager of the input
     */
    public NDArray pooled(NDArray pixelValues) {
        Shape shape = pixelValues.getShape();
        int size = config.imageSize();
        if (shape.dimension() != 4 || shape.get(1) != 3 || shape.get(2) != size || shape.get(3) != size) {
            throw new IllegalArgumentException("pixel values must have shape (batch, 3, " + size + ", " + size
                    + "), got " + shape);
        }
        long batch = shape.get(0);
        int width = config.hiddenSize();
        NDArray patches = patchEmbedding.forward(pixelValues).reshape(batch, width, -1).transpose(0, 2, 1);
        NDArray cls = patches.getManager().zeros(new Shape(batch, 1, width)).add(classEmbedding);
        NDArray x = NDArrays.concat(new NDList(cls, patches), 1).add(positionEmbedding);
        x = preLayerNorm.forward(x);
        for (ClipEncoderLayer layer : layers) {
            x = layer.forward(x, null);
        }
        return postLayerNorm.forward(x.get(":, 0, :"));
    }
}
